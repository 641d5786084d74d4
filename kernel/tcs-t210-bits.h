/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tegra-csi-sg: bit and field helpers for the Tegra210 register values,
 * so that tcs-t210-values.c compiles both into the module (the kernel's
 * own BIT/GENMASK/FIELD_PREP) and into the host unit tests (plain C).
 */
#ifndef TCS_T210_BITS_H
#define TCS_T210_BITS_H

#ifdef __KERNEL__
#include <linux/bitfield.h>
#include <linux/bits.h>
#include <linux/types.h>

#define T210_BIT(n)			BIT(n)
#define T210_GENMASK(h, l)		GENMASK(h, l)
#define T210_FIELD_PREP(mask, val)	FIELD_PREP(mask, val)
#define T210_FIELD_GET(mask, reg)	FIELD_GET(mask, reg)
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint32_t u32;
typedef uint64_t u64;

#define T210_BIT(n)			(1u << (n))
#define T210_GENMASK(h, l)		((~0u >> (31 - (h))) & (~0u << (l)))
#define T210_FIELD_PREP(mask, val)	(((u32)(val) << __builtin_ctz(mask)) & (mask))
#define T210_FIELD_GET(mask, reg)	(((u32)(reg) & (mask)) >> __builtin_ctz(mask))
#endif

#endif /* TCS_T210_BITS_H */
