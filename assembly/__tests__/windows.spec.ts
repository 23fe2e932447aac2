import { IN, IN_CAP, OUT, OUT_CAP, REG, REG_COUNT } from "../memoryMap";

describe("memory windows", () => {
  it("do not overlap", () => {
    expect<bool>(IN + IN_CAP <= OUT || OUT + OUT_CAP <= IN).toBe(true);
    expect<bool>(OUT + OUT_CAP <= REG || REG + REG_COUNT * 4 <= OUT).toBe(true);
  });
});
