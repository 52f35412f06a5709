/* fp: floating point edge cases: every rounding mode via fesetround, NaN-boxing, fflags through
 * fetestexcept and the fflags CSR, saturating conversions, fclass, fmin/fmax, and fma/fmaf. */
#include <fenv.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint32_t f2u(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static uint64_t d2u(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
static float u2f(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static double u2d(uint64_t u) { double d; memcpy(&d, &u, 8); return d; }

static const struct { int mode; const char *name; } modes[] = {
	{ FE_TONEAREST, "nearest" }, { FE_TOWARDZERO, "towardzero" }, { FE_DOWNWARD, "downward" }, { FE_UPWARD, "upward" },
};

static void flags_line(const char *what)
{
	int e = fetestexcept(FE_ALL_EXCEPT);
	unsigned long csr;
	__asm__ volatile("frflags %0" : "=r"(csr));
	printf("%-28s fetestexcept:%s%s%s%s%s csr=%02lx\n", what, e & FE_INVALID ? " NV" : "", e & FE_DIVBYZERO ? " DZ" : "",
	       e & FE_OVERFLOW ? " OF" : "", e & FE_UNDERFLOW ? " UF" : "", e & FE_INEXACT ? " NX" : "", csr);
	feclearexcept(FE_ALL_EXCEPT);
}

#define CVT(name, insn, rt, ft, fr)                                                    \
	static rt name(ft x)                                                           \
	{                                                                              \
		rt r;                                                                  \
		__asm__ volatile(insn : "=r"(r) : fr(x));                              \
		return r;                                                              \
	}
CVT(cvt_w_s_rtz, "fcvt.w.s %0, %1, rtz", int64_t, float, "f")
CVT(cvt_wu_s_rtz, "fcvt.wu.s %0, %1, rtz", int64_t, float, "f")
CVT(cvt_l_s_rtz, "fcvt.l.s %0, %1, rtz", int64_t, float, "f")
CVT(cvt_lu_s_rtz, "fcvt.lu.s %0, %1, rtz", int64_t, float, "f")
CVT(cvt_w_d_rtz, "fcvt.w.d %0, %1, rtz", int64_t, double, "f")
CVT(cvt_wu_d_rtz, "fcvt.wu.d %0, %1, rtz", int64_t, double, "f")
CVT(cvt_l_d_rtz, "fcvt.l.d %0, %1, rtz", int64_t, double, "f")
CVT(cvt_lu_d_rtz, "fcvt.lu.d %0, %1, rtz", int64_t, double, "f")
CVT(cvt_w_d_rne, "fcvt.w.d %0, %1, rne", int64_t, double, "f")
CVT(cvt_w_d_rdn, "fcvt.w.d %0, %1, rdn", int64_t, double, "f")
CVT(cvt_w_d_rup, "fcvt.w.d %0, %1, rup", int64_t, double, "f")
CVT(cvt_w_d_rmm, "fcvt.w.d %0, %1, rmm", int64_t, double, "f")
CVT(fclass_s, "fclass.s %0, %1", int64_t, float, "f")
CVT(fclass_d, "fclass.d %0, %1", int64_t, double, "f")

static void rounding(void)
{
	printf("== rounding modes ==\n");
	volatile double one = 1.0, three = 3.0, ten = 10.0, big = 0x1p53;
	volatile float onef = 1.0f, threef = 3.0f;
	static const double halves[] = { 0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999, -2.5001 };
	for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
		fesetround(modes[m].mode);
		printf("%-10s getround_ok=%d 1/3=%016" PRIx64 " -1/3=%016" PRIx64 " 1f/3f=%08" PRIx32 " 2^53+1=%.17g 1/10=%.20g\n",
		       modes[m].name, fegetround() == modes[m].mode, d2u(one / three), d2u(-one / three), f2u(onef / threef),
		       big + one, one / ten);
		printf("%-10s rint:", modes[m].name);
		for (size_t i = 0; i < sizeof halves / sizeof halves[0]; i++)
			printf(" %g", rint(halves[i]));
		printf(" lrint(2.5)=%ld sqrt(2)=%016" PRIx64 "\n", lrint(2.5), d2u(sqrt(2.0 * one)));
	}
	fesetround(FE_TONEAREST);
}

static void nanboxing(void)
{
	printf("== NaN boxing ==\n");
	uint64_t boxed, raw;
	int64_t back;
	float pi = 3.14159265f;
	/* fmv.w.x writes a single, which must be NaN-boxed (upper 32 bits all ones). */
	__asm__ volatile("fmv.w.x ft0, %1\n\tfmv.x.d %0, ft0" : "=r"(boxed) : "r"((uint64_t)f2u(pi)) : "ft0");
	printf("fmv.w.x then fmv.x.d: %016" PRIx64 "\n", boxed);
	/* fmv.x.w sign-extends bit 31. */
	__asm__ volatile("fmv.w.x ft0, %1\n\tfmv.x.w %0, ft0" : "=r"(back) : "r"((uint64_t)0xc0000000u) : "ft0");
	printf("fmv.x.w of 0xc0000000: %016" PRIx64 "\n", (uint64_t)back);
	/* A double bit pattern that is not a boxed single reads as the canonical NaN in single ops. */
	static const uint64_t unboxed[] = { 0x0000000040490fdbULL, 0xfffffffe40490fdbULL, 0x7fffffff40490fdbULL, 0xffffffff40490fdbULL };
	for (size_t i = 0; i < sizeof unboxed / sizeof unboxed[0]; i++) {
		uint64_t sum, cls;
		__asm__ volatile("fmv.d.x ft0, %2\n\tfadd.s ft1, ft0, ft0\n\tfmv.x.d %0, ft1\n\tfclass.s %1, ft0"
				 : "=r"(sum), "=r"(cls) : "r"(unboxed[i]) : "ft0", "ft1");
		printf("fadd.s on %016" PRIx64 ": %016" PRIx64 " fclass.s=%03" PRIx64 "\n", unboxed[i], sum, cls);
	}
	__asm__ volatile("fmv.d.x ft0, %1\n\tfsgnj.s ft1, ft0, ft0\n\tfmv.x.d %0, ft1" : "=r"(raw) : "r"(0x1234567840490fdbULL) : "ft0", "ft1");
	printf("fsgnj.s on unboxed: %016" PRIx64 "\n", raw);
	__asm__ volatile("fmv.d.x ft0, %1\n\tfcvt.d.s ft1, ft0\n\tfmv.x.d %0, ft1" : "=r"(raw) : "r"(0x0000000040490fdbULL) : "ft0", "ft1");
	printf("fcvt.d.s on unboxed: %016" PRIx64 "\n", raw);
	volatile float snan = u2f(0x7f800001u);
	volatile double snand = u2d(0x7ff0000000000001ULL);
	feclearexcept(FE_ALL_EXCEPT);
	printf("sNaN+1 single: %08" PRIx32 "\n", f2u(snan + 1.0f));
	flags_line("sNaN+1 single");
	printf("sNaN+1 double: %016" PRIx64 "\n", d2u(snand + 1.0));
	flags_line("sNaN+1 double");
	printf("(double)sNaNf: %016" PRIx64 "\n", d2u((double)snan));
	flags_line("(double)sNaNf");
	printf("(float)sNaNd: %08" PRIx32 "\n", f2u((float)snand));
	flags_line("(float)sNaNd");
}

static void flags(void)
{
	printf("== exception flags ==\n");
	volatile double zero = 0.0, one = 1.0, tiny = 0x1p-1022, huge = 0x1p1023, negone = -1.0;
	volatile float fhuge = 0x1p127f, ftiny = 0x1p-126f;
	volatile double r;
	volatile float rf;
	feclearexcept(FE_ALL_EXCEPT);
	flags_line("clear");
	r = one / zero; flags_line("1/0");
	r = zero / zero; flags_line("0/0");
	r = huge * 4.0; flags_line("huge*4");
	r = tiny / 3.0; flags_line("tiny/3");
	r = one / 3.0; flags_line("1/3");
	r = one + 1.0; flags_line("1+1");
	r = sqrt(negone); flags_line("sqrt(-1)");
	rf = fhuge * 2.0f; flags_line("fhuge*2");
	rf = ftiny / 2.0f; flags_line("ftiny/2 (exact subnormal)");
	rf = ftiny / 3.0f; flags_line("ftiny/3");
	rf = (float)(one / 3.0); flags_line("(float)(1/3)");
	(void)r; (void)rf;
	fesetenv(FE_DFL_ENV);
	feraiseexcept(FE_OVERFLOW | FE_INEXACT); flags_line("feraiseexcept OF|NX");
	unsigned long old;
	__asm__ volatile("csrrw %0, fcsr, %1" : "=r"(old) : "r"(0xffUL));
	unsigned long fcsr, frm;
	__asm__ volatile("frcsr %0\n\tfrrm %1" : "=r"(fcsr), "=r"(frm));
	printf("fcsr after writing 0xff: %02lx frm=%lu\n", fcsr, frm);
	__asm__ volatile("fscsr %0" : : "r"(0UL));
}

static void conversions(void)
{
	printf("== conversions ==\n");
	static const double dv[] = { 0.0, -0.0, 0.5, -0.5, 1.5, 2.5, -2.5, 2147483647.0, 2147483647.5, 2147483648.0,
				     -2147483648.0, -2147483649.0, 4294967295.0, 4294967296.0, 9223372036854775807.0,
				     -9223372036854775808.0, 18446744073709551615.0, 1e300, -1e300, INFINITY, -INFINITY, NAN, -NAN, -1.0 };
	for (size_t i = 0; i < sizeof dv / sizeof dv[0]; i++) {
		double d = dv[i];
		float f = (float)d;
		feclearexcept(FE_ALL_EXCEPT);
		printf("%-22.17g w.d=%" PRIx64 " wu.d=%" PRIx64 " l.d=%" PRIx64 " lu.d=%" PRIx64 " w.s=%" PRIx64 " wu.s=%" PRIx64
		       " l.s=%" PRIx64 " lu.s=%" PRIx64 "\n",
		       d, (uint64_t)cvt_w_d_rtz(d), (uint64_t)cvt_wu_d_rtz(d), (uint64_t)cvt_l_d_rtz(d), (uint64_t)cvt_lu_d_rtz(d),
		       (uint64_t)cvt_w_s_rtz(f), (uint64_t)cvt_wu_s_rtz(f), (uint64_t)cvt_l_s_rtz(f), (uint64_t)cvt_lu_s_rtz(f));
		printf("%-22.17g rne=%" PRId64 " rdn=%" PRId64 " rup=%" PRId64 " rmm=%" PRId64 " class.d=%03" PRIx64 " class.s=%03" PRIx64 "\n",
		       d, cvt_w_d_rne(d), cvt_w_d_rdn(d), cvt_w_d_rup(d), cvt_w_d_rmm(d), fclass_d(d), fclass_s(f));
		flags_line("  flags after conversions");
	}
	volatile int64_t big = INT64_MAX;
	volatile uint64_t ubig = UINT64_MAX;
	printf("(double)INT64_MAX=%.17g (float)UINT64_MAX=%.9g (double)(1<<53 + 1)=%.17g\n", (double)big, (float)ubig,
	       (double)(int64_t)((1LL << 53) + 1));
	printf("subnormal min=%a float min=%a\n", 0x1p-1074, (double)0x1p-149f);
}

static void minmax_fma(void)
{
	printf("== fmin/fmax/fma ==\n");
	volatile double pz = 0.0, nz = -0.0, qnan = NAN, one = 1.0;
	printf("fmin(+0,-0)=%g fmax(-0,+0)=%g fmin(nan,1)=%g fmax(1,nan)=%g fmin(nan,nan) bits=%016" PRIx64 "\n", fmin(pz, nz),
	       fmax(nz, pz), fmin(qnan, one), fmax(one, qnan), d2u(fmin(qnan, qnan)));
	double a = 0x1.0000000000001p0, b = 0x1.fffffffffffffp-1;
	printf("fma(a,b,-1)=%a a*b-1=%a\n", fma(a, b, -1.0), a * b - 1.0);
	float af = 0x1.000002p0f, bf = 0x1.fffffcp-1f;
	printf("fmaf(af,bf,-1)=%a af*bf-1=%a\n", (double)fmaf(af, bf, -1.0f), (double)(af * bf - 1.0f));
	printf("fma(inf,0,1)=%g fma(1,1,-1)=%g sign=%d\n", fma(INFINITY, 0.0, 1.0), fma(1.0, 1.0, -1.0), signbit(fma(1.0, 1.0, -1.0)) != 0);
	for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
		fesetround(modes[m].mode);
		printf("%-10s fma(0.1,10,-1)=%a fmaf=%a fma(1,1,-1) negzero=%d\n", modes[m].name, fma(0.1, 10.0, -1.0),
		       (double)fmaf(0.1f, 10.0f, -1.0f), signbit(fma(1.0, 1.0, -1.0)) != 0);
	}
	fesetround(FE_TONEAREST);
	printf("copysign(3,-0)=%g fabs(-0)=%g nextafter(1,2)=%a\n", copysign(3.0, -0.0), fabs(-0.0), nextafter(1.0, 2.0));
}

int main(void)
{
	rounding();
	nanboxing();
	flags();
	conversions();
	minmax_fma();
	return 0;
}
