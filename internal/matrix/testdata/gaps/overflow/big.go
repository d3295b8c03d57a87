package overflow

const big = 1 << 40

// Size overflows int on 32-bit targets.
var Size int = big
