// The AES S-box as a boolean circuit over eight bit planes (Boyar and Peralta's
// 113-gate circuit: a linear top layer, a shared GF(2^4) inversion core, a linear
// bottom layer). Plane i of the state holds bit i of every byte, so one pass
// substitutes all 64 bytes of four blocks at once with no table lookup.
// The inverse S-box reuses this circuit (aesRounds.ts: InvS = g ∘ S ∘ g).
// The rounds use it without the affine constant 0x63, which they fold into the
// round keys (aesRounds.ts); subBytes adds it back for the key schedule.

/** Replace every byte held in the 8 planes at `q` by its S-box value. */
export function subBytes(q: usize): void {
  subBytesWithoutConstant(q);
  // 0x63: bits 0, 1, 5 and 6.
  store<u64>(q, ~load<u64>(q, 0), 0);
  store<u64>(q, ~load<u64>(q, 8), 8);
  store<u64>(q, ~load<u64>(q, 40), 40);
  store<u64>(q, ~load<u64>(q, 48), 48);
}

/** Replace every byte x held in the 8 planes at `q` by S(x) ⊕ 0x63. */
export function subBytesWithoutConstant(q: usize): void {
  substituteStore(q, load<u64>(q, 0), load<u64>(q, 8), load<u64>(q, 16), load<u64>(q, 24),
    load<u64>(q, 32), load<u64>(q, 40), load<u64>(q, 48), load<u64>(q, 56));
}

/** S(x) ⊕ 0x63 of the planes x0…x7 (plane i = bit i), stored at q. The round function
 *  (aesRounds.ts) inlines it after its linear steps, so the planes go from the linear
 *  steps into the circuit without a trip through memory (V8 runs that markedly faster). */
@inline export function substituteStore(q: usize,
  x0: u64, x1: u64, x2: u64, x3: u64, x4: u64, x5: u64, x6: u64, x7: u64): void {
  // Circuit inputs: U0 is the most significant bit of each byte.
  const u7 = x0, u6 = x1, u5 = x2, u4 = x3, u3 = x4, u2 = x5, u1 = x6, u0 = x7;

  // Top linear layer.
  const t1 = u0 ^ u3, t2 = u0 ^ u5, t3 = u0 ^ u6, t4 = u3 ^ u5, t5 = u4 ^ u6;
  const t6 = t1 ^ t5, t7 = u1 ^ u2, t8 = u7 ^ t6, t9 = u7 ^ t7, t10 = t6 ^ t7;
  const t11 = u1 ^ u5, t12 = u2 ^ u5, t13 = t3 ^ t4, t14 = t6 ^ t11, t15 = t5 ^ t11;
  const t16 = t5 ^ t12, t17 = t9 ^ t16, t18 = u3 ^ u7, t19 = t7 ^ t18, t20 = t1 ^ t19;
  const t21 = u6 ^ u7, t22 = t7 ^ t21, t23 = t2 ^ t22, t24 = t2 ^ t10, t25 = t20 ^ t17;
  const t26 = t3 ^ t16, t27 = t1 ^ t12;

  // Shared non-linear middle (inversion in GF(2^8) through GF(2^4)).
  const m1 = t13 & t6, m2 = t23 & t8, m3 = t14 ^ m1, m4 = t19 & u7, m5 = m4 ^ m1;
  const m6 = t3 & t16, m7 = t22 & t9, m8 = t26 ^ m6, m9 = t20 & t17, m10 = m9 ^ m6;
  const m11 = t1 & t15, m12 = t4 & t27, m13 = m12 ^ m11, m14 = t2 & t10, m15 = m14 ^ m11;
  const m16 = m3 ^ m2, m17 = m5 ^ t24, m18 = m8 ^ m7, m19 = m10 ^ m15, m20 = m16 ^ m13;
  const m21 = m17 ^ m15, m22 = m18 ^ m13, m23 = m19 ^ t25, m24 = m22 ^ m23, m25 = m22 & m20;
  const m26 = m21 ^ m25, m27 = m20 ^ m21, m28 = m23 ^ m25, m29 = m28 & m27, m30 = m26 & m24;
  const m31 = m20 & m23, m32 = m27 & m31, m33 = m27 ^ m25, m34 = m21 & m22, m35 = m24 & m34;
  const m36 = m24 ^ m25, m37 = m21 ^ m29, m38 = m32 ^ m33, m39 = m23 ^ m30, m40 = m35 ^ m36;
  const m41 = m38 ^ m40, m42 = m37 ^ m39, m43 = m37 ^ m38, m44 = m39 ^ m40, m45 = m42 ^ m41;
  const m46 = m44 & t6, m47 = m40 & t8, m48 = m39 & u7, m49 = m43 & t16, m50 = m38 & t9;
  const m51 = m37 & t17, m52 = m42 & t15, m53 = m45 & t27, m54 = m41 & t10, m55 = m44 & t13;
  const m56 = m40 & t23, m57 = m39 & t19, m58 = m43 & t3, m59 = m38 & t22, m60 = m37 & t20;
  const m61 = m42 & t1, m62 = m45 & t4, m63 = m41 & t2;

  // Bottom linear layer (the full S-box has four NOTs here: the constant 0x63).
  const l0 = m61 ^ m62, l1 = m50 ^ m56, l2 = m46 ^ m48, l3 = m47 ^ m55, l4 = m54 ^ m58;
  const l5 = m49 ^ m61, l6 = m62 ^ l5, l7 = m46 ^ l3, l8 = m51 ^ m59, l9 = m52 ^ m53;
  const l10 = m53 ^ l4, l11 = m60 ^ l2, l12 = m48 ^ m51, l13 = m50 ^ l0, l14 = m52 ^ m61;
  const l15 = m55 ^ l1, l16 = m56 ^ l0, l17 = m57 ^ l1, l18 = m58 ^ l8, l19 = m63 ^ l4;
  const l20 = l0 ^ l1, l21 = l1 ^ l7, l22 = l3 ^ l12, l23 = l18 ^ l2, l24 = l15 ^ l9;
  const l25 = l6 ^ l10, l26 = l7 ^ l9, l27 = l8 ^ l10, l28 = l11 ^ l14, l29 = l11 ^ l17;

  // Outputs: S0 is the most significant bit.
  store<u64>(q, l6 ^ l24, 56);
  store<u64>(q, l16 ^ l26, 48);
  store<u64>(q, l19 ^ l28, 40);
  store<u64>(q, l6 ^ l21, 32);
  store<u64>(q, l20 ^ l22, 24);
  store<u64>(q, l25 ^ l29, 16);
  store<u64>(q, l13 ^ l27, 8);
  store<u64>(q, l6 ^ l23, 0);
}
