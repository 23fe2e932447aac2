// How logs and messages write a UDP endpoint: "127.0.0.1:69", "[::1]:69".

export function endpoint(address: string, port: number): string {
  return address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`;
}
