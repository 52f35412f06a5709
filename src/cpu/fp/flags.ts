// fflags bits and rounding-mode numbers of the RISC-V F extension (unprivileged spec, "fcsr").

/** Inexact. */
export const FFLAG_NX = 1;
/** Underflow (tiny after rounding and inexact). */
export const FFLAG_UF = 2;
/** Overflow. */
export const FFLAG_OF = 4;
/** Divide by zero. */
export const FFLAG_DZ = 8;
/** Invalid operation. */
export const FFLAG_NV = 16;

/** Round to nearest, ties to even. */
export const RM_RNE = 0;
/** Round towards zero. */
export const RM_RTZ = 1;
/** Round down (towards -infinity). */
export const RM_RDN = 2;
/** Round up (towards +infinity). */
export const RM_RUP = 3;
/** Round to nearest, ties to max magnitude. */
export const RM_RMM = 4;
/** Instruction rm field value meaning "use frm". */
export const RM_DYN = 7;
/** Largest valid rounding mode; 5 and 6 are reserved, and so is frm > 4 under RM_DYN. */
export const RM_MAX_VALID = 4;
