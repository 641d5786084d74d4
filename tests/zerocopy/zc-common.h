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
/* the driver's counters of channel 0 (root only; the guest mounts debugfs) */
#define ZC_DEBUGFS_STATS "/sys/kernel/debug/tegra-csi-sg/tegra-csi-sg-virt/0/stats"

/* Log records of the importers, counted while zc_watch_importers() is on. */
struct zc_evidence {
	gint v4l2_imports;	/* "importing dmabuf", pool whose name ends in ":sink" */
	gint v4l2_userptr;	/* "importing userptr", same pools */
	gint v4l2_copies;	/* gst_v4l2_buffer_pool_copy_buffer, same pools */
	gint v4l2_own_direct;	/* a buffer of the pool itself queued as it is */
	gint v4l2_own_fallback;	/* a frame not taken as its own buffer: another taken
				 * to import (or copy) it into */
	gint kms_imports;	/* "setting KMS mem" + "found KMS mem" */
	gint kms_new_fbs;	/* "setting KMS mem": a new framebuffer */
};

/* The io modes of tegracsisrc the cases run with. */
enum zc_io_mode {
	ZC_DMABUF,		/* the driver's buffers exported as dma-bufs */
	ZC_DMABUF_IMPORT,	/* capture into downstream's (or the app's) dma-bufs */
	ZC_USERPTR,		/* capture into mapped user memory */
	ZC_N_IO_MODES
};

extern const gchar *const zc_io_mode_names[ZC_N_IO_MODES];

/* The driver's debugfs counters (kernel/include/uapi/linux/tegra-csi-sg.h). */
struct zc_counters {
	gboolean valid;
	guint64 frames_produced;
	guint64 frames_dropped;
	guint64 userptr_pins;
	guint64 dmabuf_attach;
	guint64 dmabuf_map;
};

/*
 * Steady state: the counters when the pipeline starts, once the first
 * @after frames reached the consumer (every buffer went round once), and
 * at the end.
 */
struct zc_steady {
	guint after;		/* frames in the first round: up to the last new memory */
	guint seen;
	struct zc_counters start, first, end;
};

/* What reached one pad, filled by the probe zc_follow_pad() installs. */
struct zc_follow {
	guint frames;		/* buffers seen */
	GArray *seqs;		/* guint64 GST_BUFFER_OFFSET (V4L2 sequence) of each */
	GHashTable *inodes;	/* st_ino of every dma-buf seen -> its fd */
	GHashTable *exporters;	/* exporter name (fdinfo exp_name) -> dma-bufs */
	GHashTable *addresses;	/* data address of every other memory seen */
	GHashTable *pools;	/* name of each buffer's pool ("none") -> buffers */
	guint not_dmabuf;	/* memories that are not dma-buf memory */
	guint foreign;		/* memories not from the element's allocator */
	guint multi_memory;	/* buffers with more than one memory */
	GstCaps *caps;		/* the last caps event */
	gboolean verify;	/* map each buffer and check the counter pattern */
	guint bad_content;	/* buffers whose bytes are not the counter pattern */
	struct zc_steady *steady;	/* counters to sample, or NULL */
	guint element_buffers;	/* the source's stats "buffers" when the last new memory came */
};

/* What the buffers at the pad must be, for zc_follow_check(). */
struct zc_expect {
	enum zc_io_mode mode;
	guint buffers;		/* distinct dma-bufs or user memories */
	/*
	 * Prefix of every buffer's pool name (dmabuf-import, userptr): the
	 * importer's pool, the application's, or "tegracsi-userptr-pool".
	 */
	const gchar *pool;
	/* dmabuf-import: exporter of the dma-bufs (not the driver's) */
	const gchar *exporter;
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
/* Checks the buffers' identity; prints and returns the number of failures. */
gint zc_follow_check(const struct zc_follow *f, const struct zc_expect *e);
/* Buffers at the pad whose pool name does not start with @prefix. */
guint zc_follow_not_from(const struct zc_follow *f, const gchar *prefix);

gboolean zc_io_mode_parse(const gchar *name, enum zc_io_mode *mode);

void zc_read_counters(struct zc_counters *c);
/* Checks that no attach, map or pin happened after the first round; returns failures. */
gint zc_steady_check(const struct zc_steady *s, enum zc_io_mode mode, guint buffers);

/* Runs to EOS; NULL on success, else the error text (g_free it). */
gchar *zc_run(GstElement *pipe, guint timeout_s);
/*
 * Runs to EOS or the first error; that error (NULL on EOS), with the name
 * of the element that posted it in @source (g_free it). A timeout is
 * reported as GST_CORE_ERROR_FAILED from "(none)".
 */
GError *zc_run_error(GstElement *pipe, guint timeout_s, gchar **source);
/* Checks that exactly @want frames (the pipeline's num-buffers) reached the
 * followed pad: an early EOS or an error after some frames fails. */
gint zc_check_frames(const struct zc_follow *f, guint want);
/* Checks captured == frames and bytes-copied == 0; returns failures. */
gint zc_check_stats(GstElement *pipe, guint frames);

guint8 zc_counter_byte(guint32 seq, guint32 line, guint32 col);
/* Counts bytes of @data (lines of @stride bytes) not matching frame @seq. */
gsize zc_counter_mismatches(const guint8 *data, gsize size, gsize stride, guint32 seq);

gint zc_fail(const gchar *fmt, ...) G_GNUC_PRINTF(1, 2);

#endif
