/* Finding a vDSO symbol by name and version, as a libc does, from AT_SYSINFO_EHDR alone: the
 * program headers give the dynamic section, which gives the symbol and string tables, the two
 * hash tables (DT_HASH and DT_GNU_HASH, each searched on its own here) and the version tables.
 * Our own code, written from the ELF and GNU hash specifications. */
#ifndef VDSO_LOOKUP_H
#define VDSO_LOOKUP_H

#include <elf.h>
#include <stdint.h>
#include <string.h>
#include <sys/auxv.h>

struct vdso_info {
	uintptr_t base, bias;
	const char *strtab;
	const Elf64_Sym *symtab;
	const uint32_t *hash;     /* DT_HASH: nbucket, nchain, buckets, chains */
	const uint32_t *gnu_hash; /* DT_GNU_HASH */
	const Elf64_Half *versym;
	const Elf64_Verdef *verdef;
	const char *soname;
};

/* Fills vi from AT_SYSINFO_EHDR; returns 0, or -1 if there is no vDSO or it is not a usable ELF. */
static int vdso_init(struct vdso_info *vi)
{
	memset(vi, 0, sizeof *vi);
	vi->base = getauxval(AT_SYSINFO_EHDR);
	if (!vi->base) return -1;
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)vi->base;
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_type != ET_DYN) return -1;
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(vi->base + eh->e_phoff);
	const Elf64_Dyn *dyn = NULL;
	int have_load = 0;
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD && !have_load) { vi->bias = vi->base + ph[i].p_offset - ph[i].p_vaddr; have_load = 1; }
		if (ph[i].p_type == PT_DYNAMIC) dyn = (const Elf64_Dyn *)(vi->base + ph[i].p_offset);
	}
	if (!have_load || !dyn) return -1;
	uintptr_t soname = 0;
	for (; dyn->d_tag != DT_NULL; dyn++) {
		uintptr_t p = vi->bias + dyn->d_un.d_ptr;
		switch (dyn->d_tag) {
		case DT_STRTAB: vi->strtab = (const char *)p; break;
		case DT_SYMTAB: vi->symtab = (const Elf64_Sym *)p; break;
		case DT_HASH: vi->hash = (const uint32_t *)p; break;
		case DT_GNU_HASH: vi->gnu_hash = (const uint32_t *)p; break;
		case DT_VERSYM: vi->versym = (const Elf64_Half *)p; break;
		case DT_VERDEF: vi->verdef = (const Elf64_Verdef *)p; break;
		case DT_SONAME: soname = dyn->d_un.d_val; break;
		}
	}
	if (!vi->strtab || !vi->symtab || (!vi->hash && !vi->gnu_hash)) return -1;
	vi->soname = soname ? vi->strtab + soname : "";
	return 0;
}

/* The System V ELF hash. */
static uint32_t elf_hash(const char *s)
{
	uint32_t h = 0;
	for (; *s; s++) {
		h = (h << 4) + (unsigned char)*s;
		uint32_t g = h & 0xf0000000;
		if (g) h ^= g >> 24;
		h &= ~g;
	}
	return h;
}

/* The GNU hash (DJB's h * 33 + c). */
static uint32_t gnu_hash(const char *s)
{
	uint32_t h = 5381;
	for (; *s; s++) h = h * 33 + (unsigned char)*s;
	return h;
}

/* True if symbol i is defined with version `version` (or any version when NULL). */
static int vdso_match(const struct vdso_info *vi, uint32_t i, const char *name, const char *version)
{
	const Elf64_Sym *sym = &vi->symtab[i];
	if (sym->st_shndx == SHN_UNDEF || ELF64_ST_TYPE(sym->st_info) != STT_FUNC) return 0;
	if (strcmp(vi->strtab + sym->st_name, name) != 0) return 0;
	if (!version) return 1;
	if (!vi->versym || !vi->verdef) return 0;
	Elf64_Half ndx = vi->versym[i] & 0x7fff;
	for (const Elf64_Verdef *d = vi->verdef;; d = (const Elf64_Verdef *)((const char *)d + d->vd_next)) {
		if (!(d->vd_flags & VER_FLG_BASE) && (d->vd_ndx & 0x7fff) == ndx) {
			const Elf64_Verdaux *a = (const Elf64_Verdaux *)((const char *)d + d->vd_aux);
			return strcmp(vi->strtab + a->vda_name, version) == 0;
		}
		if (d->vd_next == 0) return 0;
	}
}

/* Looks name@version up through DT_HASH; returns the symbol's address or 0. */
static uintptr_t vdso_sym_sysv(const struct vdso_info *vi, const char *name, const char *version)
{
	if (!vi->hash) return 0;
	uint32_t nbucket = vi->hash[0];
	const uint32_t *bucket = &vi->hash[2], *chain = &vi->hash[2 + nbucket];
	for (uint32_t i = bucket[elf_hash(name) % nbucket]; i != 0; i = chain[i])
		if (vdso_match(vi, i, name, version)) return vi->bias + vi->symtab[i].st_value;
	return 0;
}

/* Looks name@version up through DT_GNU_HASH (bloom filter, buckets, chains); returns the address or 0. */
static uintptr_t vdso_sym_gnu(const struct vdso_info *vi, const char *name, const char *version)
{
	if (!vi->gnu_hash) return 0;
	uint32_t nbucket = vi->gnu_hash[0], symoffset = vi->gnu_hash[1], bloom_size = vi->gnu_hash[2], shift = vi->gnu_hash[3];
	const uint64_t *bloom = (const uint64_t *)&vi->gnu_hash[4];
	const uint32_t *bucket = (const uint32_t *)&bloom[bloom_size];
	const uint32_t *chain = &bucket[nbucket];
	uint32_t h = gnu_hash(name);
	uint64_t word = bloom[(h / 64) % bloom_size];
	if (!((word >> (h % 64)) & (word >> ((h >> shift) % 64)) & 1)) return 0;
	uint32_t i = bucket[h % nbucket];
	if (i < symoffset) return 0;
	for (;; i++) {
		uint32_t ch = chain[i - symoffset];
		if ((ch | 1) == (h | 1) && vdso_match(vi, i, name, version)) return vi->bias + vi->symtab[i].st_value;
		if (ch & 1) return 0;
	}
}

/* Looks name@version up with both tables; returns the address, 0 if absent, or 1 if they disagree. */
static uintptr_t vdso_sym(const struct vdso_info *vi, const char *name, const char *version)
{
	uintptr_t a = vdso_sym_sysv(vi, name, version), b = vdso_sym_gnu(vi, name, version);
	if (vi->hash && vi->gnu_hash && a != b) return 1;
	return a ? a : b;
}

#endif
