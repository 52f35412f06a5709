// The shape of one embedded vDSO image, as guest/vdso/embed.sh writes them into vdso_images.ts
// (its own module so that the generated table and the loader that maps it import it, not each other).

/** One embedded image: its bytes in base64 and the offsets of the symbols the kernel reads. */
export interface VdsoImage {
  base64: string;
  symbols: {
    /** __vdso_rt_sigreturn: signal handlers return here. */
    sigreturn: number;
    /** The per-CPU operation's critical section [percpuStart, percpuEnd) and its commit store
     *  (only in the images with the percpu extension). */
    percpuStart?: number;
    percpuCommit?: number;
    percpuEnd?: number;
  };
}
