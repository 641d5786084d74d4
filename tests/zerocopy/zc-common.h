/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Shared pieces of the zero-copy tests (tests/zerocopy/): finding nodes,
 * counting the importers' own log records, following the dma-bufs that
 * reach a pad, running a pipeline, reading the element's statistics.
 */
#ifndef ZC_COMMON_H
#define ZC_COMMON_H

#include <gst/gst.h>

#define ZC_DRIVER "tegra-csi-sg"
/* KBUILD_MODNAME of the driver: the exporter name of its dma-bufs */
#define ZC_EXPORTER "tegra_csi_sg"
#define ZC_SKIP 77

/* Log records of the importers, counted while zc_watch_importers() is on. */
struct zc_evidence {
	gint v4l2_imports;	/* "importing dmabuf", pool whose name ends in ":sink" */
	gint v4l2_copies;	/* gst_v4l2_buffer_pool_copy_buffer, same pools */
	gint kms_imports;	/* "setting KMS mem" + "found KMS mem" */
	gint kms_new_fbs;	/* "setting KMS mem": a new framebuffer */
};

/* What reached one pad, filled by the probe zc_follow_pad() installs. */
struct zc_follow {
	guint frames;		/* buffers seen */
	GArray *seqs;		/* guint64 GST_BUFFER_OFFSET (V4L2 sequence) of each */
	GHashTable *inodes;	/* st_ino of every dma-buf seen -> its fd */
	guint not_dmabuf;	/* memories that are not dma-buf memory */
	guint foreign;		/* memories not from the element's allocator */
	guint wrong_exporter;	/* dma-bufs whose exporter is not the driver */
	guint multi_memory;	/* buffers with more than one memory */
	GstCaps *caps;		/* the last caps event */
	gboolean verify;	/* map each buffer and check the counter pattern */
	guint bad_content;	/* buffers whose bytes are not the counter pattern */
};

extern struct zc_evidence zc_ev;
/* When set, only v4l2 pools whose name starts with it are counted. */
extern const gchar *zc_pool_prefix;

gchar *zc_find_node(const gchar *driver, guint32 need_caps);
void zc_watch_importers(void);
void zc_unwatch_importers(void);
void zc_evidence_reset(void);

struct zc_follow *zc_follow_pad(GstElement *pipe, const gchar *element, const gchar *pad);
void zc_follow_free(struct zc_follow *f);
/* Checks the dma-buf identity; prints and returns the number of failures. */
gint zc_follow_check(const struct zc_follow *f, guint buffers);

/* Runs to EOS; NULL on success, else the error text (g_free it). */
gchar *zc_run(GstElement *pipe, guint timeout_s);
/* Checks captured == frames and bytes-copied == 0; returns failures. */
gint zc_check_stats(GstElement *pipe, guint frames);

guint8 zc_counter_byte(guint32 seq, guint32 line, guint32 col);
/* Counts bytes of @data (lines of @stride bytes) not matching frame @seq. */
gsize zc_counter_mismatches(const guint8 *data, gsize size, gsize stride, guint32 seq);

gint zc_fail(const gchar *fmt, ...) G_GNUC_PRINTF(1, 2);

#endif
