/* bench_fp: a floating-point-bound loop with a printed checksum: a Mandelbrot grid in double
 * (fmul/fadd/fsub/flt), a single-precision polynomial and square root over an array (fmadd.s,
 * fsqrt.s, fcvt), and a gravity step in double (fdiv, fsqrt.d). argv[1] is the number of rounds
 * (default tuned to about a second under qemu-riscv64). The checksums print the exact bits, so
 * any rounding difference shows. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_ROUNDS 20L
/* Mandelbrot grid side and iteration cap: a round does up to GRID^2 * MAX_ITER steps. */
#define GRID 64
#define MAX_ITER 64
/* Single-precision array and bodies of the gravity step. */
#define N_FLOAT 4096
#define N_BODY 32

static uint64_t d2u(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
static uint32_t f2u(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }

/* Returns the total iteration count of the grid over [-2, 0.5] x [-1.25, 1.25]. */
static long mandel(double shift)
{
	long total = 0;
	for (int py = 0; py < GRID; py++) {
		double ci = -1.25 + 2.5 * py / GRID + shift;
		for (int px = 0; px < GRID; px++) {
			double cr = -2.0 + 2.5 * px / GRID;
			double zr = 0, zi = 0;
			int k = 0;
			while (k < MAX_ITER && zr * zr + zi * zi < 4.0) {
				double t = zr * zr - zi * zi + cr;
				zi = 2.0 * zr * zi + ci;
				zr = t;
				k++;
			}
			total += k;
		}
	}
	return total;
}

/* Returns a single-precision sum of a polynomial and a square root over a. */
static float poly(float *a, float s)
{
	float acc = 0;
	for (int i = 0; i < N_FLOAT; i++) {
		float x = a[i];
		float y = ((0.25f * x + s) * x - 1.5f) * x + 0.75f;
		a[i] = y * 0.5f + sqrtf(x * x + 1.0f) * 0.001f;
		acc += (float)(int)(y * 8.0f) * 0.125f;
	}
	return acc;
}

/* One gravity step over the bodies; returns the sum of speeds. */
static double gravity(double *x, double *y, double *vx, double *vy)
{
	for (int i = 0; i < N_BODY; i++) {
		double ax = 0, ay = 0;
		for (int j = 0; j < N_BODY; j++) {
			if (j == i) continue;
			double dx = x[j] - x[i], dy = y[j] - y[i];
			double r2 = dx * dx + dy * dy + 0.01;
			double inv = 1.0 / (r2 * sqrt(r2));
			ax += dx * inv;
			ay += dy * inv;
		}
		vx[i] += 0.001 * ax;
		vy[i] += 0.001 * ay;
	}
	double speed = 0;
	for (int i = 0; i < N_BODY; i++) {
		x[i] += 0.001 * vx[i];
		y[i] += 0.001 * vy[i];
		speed += sqrt(vx[i] * vx[i] + vy[i] * vy[i]);
	}
	return speed;
}

int main(int argc, char **argv)
{
	long rounds = argc > 1 ? strtol(argv[1], NULL, 10) : DEFAULT_ROUNDS;
	static float a[N_FLOAT];
	static double x[N_BODY], y[N_BODY], vx[N_BODY], vy[N_BODY];
	for (int i = 0; i < N_FLOAT; i++) a[i] = (float)(i % 97) / 97.0f - 0.5f;
	for (int i = 0; i < N_BODY; i++) {
		x[i] = cos(i * 0.7) * (1 + i % 5);
		y[i] = sin(i * 0.7) * (1 + i % 3);
		vx[i] = vy[i] = 0;
	}
	long iters = 0;
	float facc = 0;
	double speed = 0;
	for (long r = 0; r < rounds; r++) {
		iters += mandel(r * 1e-3);
		facc += poly(a, (float)r * 0.01f);
		for (int s = 0; s < 10; s++) speed += gravity(x, y, vx, vy);
	}
	printf("rounds=%ld mandel=%ld poly=%08x gravity=%016llx\n", rounds, iters, (unsigned)f2u(facc),
	       (unsigned long long)d2u(speed));
	return 0;
}
