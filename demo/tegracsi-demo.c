/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsi-demo: capture from tegracsisrc on the virtual sensor, zero-copy
 * into the vicodec FWHT encoder and the vkms display, then print a summary.
 *
 * Runs in the QEMU guest (scripts/demo boots it). Usage:
 *   tegracsi-demo [-v] OUTDIR [FRAMES] [WIDTHxHEIGHT]
 * Writes OUTDIR/demo.fwht (the encoded stream) and OUTDIR/frame.png (one
 * frame for a person to look at). While it captures it shows its progress
 * (frames so far, rate, drops, time left): one line rewritten in place on a
 * terminal, a plain line every PROGRESS_PLAIN_US otherwise. GStreamer's
 * debug log stays quiet (the importers' records it counts are still
 * collected) unless -v, which passes every record to GStreamer's default
 * output as GST_DEBUG asks. Ends with a summary table. Exit status 0 when
 * every frame reached both consumers with no byte copied.
 */
#define _GNU_SOURCE	/* RUSAGE_THREAD */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <linux/videodev2.h>
#include <glib/gstdio.h>
#include <gst/gst.h>

#define DRIVER_NAME "tegra-csi-sg"

/*
 * The importers' own evidence, read from their debug logs (GStreamer 1.22):
 * kmssink logs every PRIME import in gst_kms_sink_import_dmabuf, as a new
 * framebuffer ("setting KMS mem") or a cached one ("found KMS mem"); the
 * encoder's OUTPUT pool logs "importing dmabuf" for every frame it imports
 * and copies in gst_v4l2_buffer_pool_copy_buffer when it cannot.
 */
static gint kms_imports, kms_new_fbs, enc_imports, enc_copies;
/* -v: GStreamer's debug records go to its default output too */
static gboolean verbose;

static void count_evidence(GstDebugCategory *cat, GstDebugLevel level,
			   const gchar *file, const gchar *function, gint line,
			   GObject *obj, GstDebugMessage *message, gpointer data)
{
	const gchar *name = gst_debug_category_get_name(cat);
	gboolean watched = strcmp(name, "kmssink") == 0 ||
			   strcmp(name, "v4l2bufferpool") == 0;
	const gchar *text;

	/* With -v, what GST_DEBUG asks for goes to the usual output (of the two
	 * watched categories, warnings and worse: the rest is ours at LOG). */
	if (verbose && (!watched || level <= GST_LEVEL_WARNING))
		gst_debug_log_default(cat, level, file, function, line, obj, message, data);
	if (!watched || level <= GST_LEVEL_WARNING)
		return;
	text = gst_debug_message_get(message);
	if (strcmp(function, "gst_kms_sink_import_dmabuf") == 0) {
		if (g_str_has_prefix(text, "setting KMS mem")) {
			g_atomic_int_inc(&kms_imports);
			g_atomic_int_inc(&kms_new_fbs);
		} else if (g_str_has_prefix(text, "found KMS mem")) {
			g_atomic_int_inc(&kms_imports);
		}
	} else if (strcmp(function, "gst_v4l2_buffer_pool_import_dmabuf") == 0 &&
		   strcmp(text, "importing dmabuf") == 0) {
		g_atomic_int_inc(&enc_imports);
	} else if (strcmp(function, "gst_v4l2_buffer_pool_copy_buffer") == 0 &&
		   GST_IS_OBJECT(obj) && g_str_has_suffix(GST_OBJECT_NAME(obj), ":sink")) {
		/* the encoder's OUTPUT (raw frame) side; its CAPTURE side copies
		 * the encoded bytes, which is not a frame copy */
		g_atomic_int_inc(&enc_copies);
	}
}

static void watch_importers(void)
{
	gst_debug_remove_log_function(gst_debug_log_default);
	gst_debug_add_log_function(count_evidence, NULL, NULL);
	gst_debug_set_threshold_for_name("kmssink", GST_LEVEL_LOG);
	gst_debug_set_threshold_for_name("v4l2bufferpool", GST_LEVEL_LOG);
	gst_debug_set_active(TRUE);
}

/* First capture node whose driver is tegra-csi-sg, or NULL. */
static gchar *find_capture_node(void)
{
	for (int i = 0; i < 64; i++) {
		gchar *path = g_strdup_printf("/dev/video%d", i);
		struct v4l2_capability cap = { 0 };
		int fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);

		if (fd >= 0 && ioctl(fd, VIDIOC_QUERYCAP, &cap) == 0 &&
		    strcmp((const char *)cap.driver, DRIVER_NAME) == 0 &&
		    (cap.device_caps & V4L2_CAP_VIDEO_CAPTURE)) {
			close(fd);
			return path;
		}
		if (fd >= 0)
			close(fd);
		g_free(path);
	}
	return NULL;
}

/* How often the progress shows: rewritten on a terminal, a new line otherwise. */
#define PROGRESS_TTY_US (500 * G_TIME_SPAN_MILLISECOND)
#define PROGRESS_PLAIN_US (10 * G_TIME_SPAN_SECOND)

/* Frames the source pushed so far (its streaming thread counts them). */
static gint frames_pushed;

static guint64 stat_u64(const GstStructure *s, const gchar *name)
{
	guint64 v = 0;

	gst_structure_get_uint64(s, name, &v);
	return v;
}

/*
 * One progress report: frames so far of @total, the rate since @t0, the
 * driver's drops (the element's stats) and the time left at that rate.
 * @final ends the terminal line.
 */
static void show_progress(GstElement *pipe, gint total, gint64 t0, gboolean tty, gboolean final)
{
	GstElement *src = gst_bin_get_by_name(GST_BIN(pipe), "src");
	GstStructure *stats = NULL;
	gint done = g_atomic_int_get(&frames_pushed);
	double secs = (g_get_monotonic_time() - t0) / 1e6;
	double rate = secs > 0 ? done / secs : 0;
	guint64 dropped = 0;
	gchar left[32] = "?";

	if (src) {
		g_object_get(src, "stats", &stats, NULL);
		gst_object_unref(src);
	}
	if (stats) {
		dropped = stat_u64(stats, "dropped");
		gst_structure_free(stats);
	}
	if (done >= total)
		g_strlcpy(left, "0 s", sizeof(left));
	else if (rate > 0)
		g_snprintf(left, sizeof(left), "%.0f s", (total - done) / rate);
	g_print("%sdemo: %d/%d frames (%3.0f%%), %.1f frames/s, %" G_GUINT64_FORMAT
		" dropped, %.0f s so far, %s left%s", tty ? "\r\033[K" : "", done, total,
		total ? 100.0 * done / total : 0, rate, dropped, secs, left,
		tty && !final ? "" : "\n");
	fflush(stdout);
}

/*
 * Runs @desc to EOS, showing its progress when @frames is not 0. Returns
 * the pipeline (for stats) or NULL on error, which it prints. Warning
 * messages of the pipeline's elements are printed as they come.
 */
static GstElement *run_pipeline(const gchar *desc, void (*setup)(GstElement *pipe), gint frames)
{
	gboolean tty = isatty(STDOUT_FILENO), ok = FALSE, done = FALSE;
	GstClockTime every = (tty ? PROGRESS_TTY_US : PROGRESS_PLAIN_US) * GST_USECOND;
	GError *err = NULL;
	GstElement *pipe = gst_parse_launch(desc, &err);
	gint64 t0;

	if (!pipe) {
		g_printerr("demo: cannot build the pipeline: %s\n", err->message);
		g_error_free(err);
		return NULL;
	}
	if (setup)
		setup(pipe);
	g_print("demo: gst-launch-1.0 %s\n", desc);
	g_atomic_int_set(&frames_pushed, 0);
	t0 = g_get_monotonic_time();
	if (gst_element_set_state(pipe, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
		g_printerr("demo: the pipeline did not start\n");
	while (!done) {
		GstMessage *msg = gst_bus_timed_pop_filtered(GST_ELEMENT_BUS(pipe),
				frames ? every : GST_CLOCK_TIME_NONE,
				GST_MESSAGE_EOS | GST_MESSAGE_ERROR | GST_MESSAGE_WARNING);
		gchar *dbg = NULL;

		if (!msg) {
			show_progress(pipe, frames, t0, tty, FALSE);
			continue;
		}
		if (tty && frames)
			g_print("\r\033[K");
		switch (GST_MESSAGE_TYPE(msg)) {
		case GST_MESSAGE_EOS:
			ok = done = TRUE;
			break;
		case GST_MESSAGE_WARNING:
			gst_message_parse_warning(msg, &err, &dbg);
			g_printerr("demo: warning from %s: %s\n", GST_OBJECT_NAME(msg->src),
				   err->message);
			break;
		default:
			gst_message_parse_error(msg, &err, &dbg);
			g_printerr("demo: %s: %s\n  %s\n", GST_OBJECT_NAME(msg->src),
				   err->message, dbg ? dbg : "");
			done = TRUE;
			break;
		}
		g_clear_error(&err);
		g_free(dbg);
		gst_message_unref(msg);
	}
	if (frames)
		show_progress(pipe, frames, t0, tty, TRUE);
	gst_element_set_state(pipe, GST_STATE_NULL);
	if (!ok) {
		gst_object_unref(pipe);
		return NULL;
	}
	return pipe;
}

/* User and system CPU seconds of @ru. */
static double tv_seconds(const struct timeval *tv)
{
	return tv->tv_sec + tv->tv_usec / 1e6;
}

/*
 * CPU time of the capture thread (the source's streaming thread: dequeue,
 * timestamp, push into the tee's queues), sampled on the source pad from
 * its first frame to its last, so start-up and negotiation are left out.
 */
static struct {
	gboolean started;
	struct rusage first, last;
} capture_cpu;

static GstPadProbeReturn sample_capture_cpu(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
	struct rusage ru;

	(void)pad, (void)info, (void)data;
	g_atomic_int_inc(&frames_pushed);
	getrusage(RUSAGE_THREAD, &ru);
	if (!capture_cpu.started) {
		capture_cpu.first = ru;
		capture_cpu.started = TRUE;
	}
	capture_cpu.last = ru;
	return GST_PAD_PROBE_OK;
}

static void watch_capture_thread(GstElement *pipe)
{
	GstElement *src = gst_bin_get_by_name(GST_BIN(pipe), "src");
	GstPad *pad = gst_element_get_static_pad(src, "src");

	gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, sample_capture_cpu, NULL, NULL);
	gst_object_unref(pad);
	gst_object_unref(src);
}

/* The summary: rows of (what, measured), printed aligned by table_print(). */
static GPtrArray *table;

/* A row; @what NULL for the rule under the header. */
static void table_row(const gchar *what, const gchar *fmt, ...) G_GNUC_PRINTF(2, 3);
static void table_row(const gchar *what, const gchar *fmt, ...)
{
	va_list ap;

	if (!table)
		table = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(table, g_strdup(what));
	va_start(ap, fmt);
	g_ptr_array_add(table, fmt ? g_strdup_vprintf(fmt, ap) : NULL);
	va_end(ap);
}

static void table_print(void)
{
	gint w0 = 0, w1 = 0;

	for (guint i = 0; i < table->len; i += 2) {
		if (!table->pdata[i])
			continue;
		w0 = MAX(w0, (gint)strlen(table->pdata[i]));
		w1 = MAX(w1, (gint)strlen(table->pdata[i + 1]));
	}
	for (guint i = 0; i < table->len; i += 2) {
		if (!table->pdata[i]) {
			gchar *a = g_strnfill(w0 + 2, '-'), *b = g_strnfill(w1 + 2, '-');

			g_print("|%s|%s|\n", a, b);
			g_free(a);
			g_free(b);
		} else {
			g_print("| %-*s | %-*s |\n", w0, (gchar *)table->pdata[i], w1,
				(gchar *)table->pdata[i + 1]);
		}
	}
	g_clear_pointer(&table, g_ptr_array_unref);
}

int main(int argc, char **argv)
{
	const gchar *outdir, *size;
	gint frames, width, height;
	gchar *dev, *desc, *fwht, *png;
	GstElement *pipe, *src;
	GstStructure *stats = NULL;
	guint64 captured, dropped, errored, copied;
	GStatBuf st;
	struct rusage ru0, ru1;
	gint64 t0, t1;
	double proc_user, proc_sys, cap_user, cap_sys, per;
	int status = 0;

	GOptionEntry entries[] = {
		{ "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose,
		  "GStreamer's debug output as GST_DEBUG asks (default: quiet)", NULL },
		{ NULL }
	};
	GOptionContext *ctx = g_option_context_new("OUTDIR [FRAMES] [WIDTHxHEIGHT]");
	GError *err = NULL;

	g_option_context_add_main_entries(ctx, entries, NULL);
	g_option_context_add_group(ctx, gst_init_get_option_group());
	g_option_context_set_summary(ctx, "Capture FRAMES (300) frames of WIDTHxHEIGHT "
				     "(1920x1080) BGRx from tegracsisrc on the virtual sensor,\n"
				     "zero-copy into vicodec and vkms; results in OUTDIR.");
	if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
		g_printerr("demo: %s\n", err->message);
		return 2;
	}
	g_option_context_free(ctx);
	/* before any plugin loads: quiet unless -v, the importers' records counted */
	watch_importers();
	if (argc < 2) {
		g_printerr("usage: %s [-v] OUTDIR [FRAMES] [WIDTHxHEIGHT]\n", argv[0]);
		return 2;
	}
	outdir = argv[1];
	frames = argc > 2 ? atoi(argv[2]) : 300;
	size = argc > 3 ? argv[3] : "1920x1080";
	if (frames < 1 || sscanf(size, "%dx%d", &width, &height) != 2) {
		g_printerr("demo: bad FRAMES or WIDTHxHEIGHT\n");
		return 2;
	}
	dev = find_capture_node();
	if (!dev) {
		g_printerr("demo: no %s capture node: is the driver loaded?\n", DRIVER_NAME);
		return 1;
	}
	g_mkdir_with_parents(outdir, 0755);
	fwht = g_build_filename(outdir, "demo.fwht", NULL);
	png = g_build_filename(outdir, "frame.png", NULL);

	/*
	 * BGRx (V4L2 XBGR32, DRM XRGB8888) is a format the sensor, vicodec and
	 * vkms all take, so nothing converts: tee hands the same dma-buf to
	 * the encoder (dmabuf import on its OUTPUT queue) and to the display
	 * (PRIME import).
	 */
	desc = g_strdup_printf(
		"tegracsisrc name=src device=%s io-mode=dmabuf num-buffers=%d "
		"extra-controls=\"c,test_pattern=%d\" ! "
		"video/x-raw,format=BGRx,width=%d,height=%d,framerate=30/1 ! "
		"tee name=t ! queue ! v4l2fwhtenc output-io-mode=dmabuf-import ! "
		"filesink location=%s  t. ! queue ! "
		"kmssink driver-name=vkms can-scale=false force-modesetting=true sync=false",
		dev, frames, 1 /* TEGRA_CSI_SG_PATTERN_COLORBAR */, width, height, fwht);
	getrusage(RUSAGE_SELF, &ru0);
	t0 = g_get_monotonic_time();
	pipe = run_pipeline(desc, watch_capture_thread, frames);
	t1 = g_get_monotonic_time();
	getrusage(RUSAGE_SELF, &ru1);
	proc_user = tv_seconds(&ru1.ru_utime) - tv_seconds(&ru0.ru_utime);
	proc_sys = tv_seconds(&ru1.ru_stime) - tv_seconds(&ru0.ru_stime);
	cap_user = tv_seconds(&capture_cpu.last.ru_utime) - tv_seconds(&capture_cpu.first.ru_utime);
	cap_sys = tv_seconds(&capture_cpu.last.ru_stime) - tv_seconds(&capture_cpu.first.ru_stime);
	gst_debug_set_threshold_for_name("kmssink", GST_LEVEL_WARNING);
	gst_debug_set_threshold_for_name("v4l2bufferpool", GST_LEVEL_WARNING);
	g_free(desc);
	if (!pipe)
		return 1;
	src = gst_bin_get_by_name(GST_BIN(pipe), "src");
	g_object_get(src, "stats", &stats, NULL);
	gst_object_unref(src);
	gst_object_unref(pipe);
	captured = stat_u64(stats, "captured");
	dropped = stat_u64(stats, "dropped");
	errored = stat_u64(stats, "errored");
	copied = stat_u64(stats, "bytes-copied");
	gst_structure_free(stats);

	/* One frame for a person to look at. videoconvert and pngenc work on
	 * a CPU mapping: this snapshot is outside the zero-copy path. RGB, not
	 * RGBA: the x byte of BGRx is padding (0), not an opaque alpha. */
	desc = g_strdup_printf(
		"tegracsisrc device=%s num-buffers=1 extra-controls=\"c,test_pattern=1\" ! "
		"video/x-raw,format=BGRx,width=%d,height=%d ! videoconvert ! "
		"video/x-raw,format=RGB ! "
		"pngenc ! filesink location=%s", dev, width, height, png);
	pipe = run_pipeline(desc, NULL, 0);
	g_free(desc);
	if (pipe)
		gst_object_unref(pipe);
	else
		status = 1;

	if (g_stat(fwht, &st) != 0)
		status = 1;
	/* Every captured frame reached both importers without a copy (the
	 * display may skip none: sync=false; kmssink may show the last frame
	 * once more at EOS: imports >= frames). */
	if (captured != (guint64)frames || copied != 0 || enc_copies != 0 ||
	    (guint64)enc_imports != captured || (guint64)kms_imports < captured)
		status = 1;
	/* ms per frame; TCG emulates the CPU, so only the ratios mean much */
	per = captured ? 1000.0 / captured : 0.0;
	g_print("\n== tegracsi demo: %s, %dx%d BGRx, %d frames ==\n", dev, width, height, frames);
	table_row("what", "measured");
	table_row(NULL, NULL);
	table_row("frames captured", "%" G_GUINT64_FORMAT, captured);
	table_row("frames dropped", "%" G_GUINT64_FORMAT " (made by the sensor while downstream held "
		  "every buffer)", dropped);
	table_row("frames errored", "%" G_GUINT64_FORMAT, errored);
	/* the sensor runs at 30 fps; the slowest importer sets the pace */
	table_row("pipeline rate", "%.2f frames/s (sensor 30 fps)",
		  t1 > t0 ? captured * 1e6 / (t1 - t0) : 0.0);
	table_row("bytes copied", "%" G_GUINT64_FORMAT " (the element's stats)", copied);
	table_row("display (vkms)", "%d frame imports by PRIME (%d framebuffers), %d frames not "
		  "imported", kms_imports, kms_new_fbs, MAX(0, (int)captured - kms_imports));
	table_row("encoder (vicodec)", "%d frames imported as dma-buf, %d copied",
		  enc_imports, enc_copies);
	table_row("CPU, capture thread", "%.2f ms/frame (user %.2f, system %.2f; TCG-emulated)",
		  (cap_user + cap_sys) * per, cap_user * per, cap_sys * per);
	table_row("CPU, whole process", "%.2f ms/frame (user %.2f, system %.2f; TCG-emulated)",
		  (proc_user + proc_sys) * per, proc_user * per, proc_sys * per);
	if (g_stat(fwht, &st) == 0)
		table_row("encoded stream", "%s (%lld bytes)", fwht, (long long)st.st_size);
	else
		table_row("encoded stream", "missing: %s", fwht);
	table_row("snapshot", "%s", png);
	table_row("zero-copy", status ? "NO: a frame was copied, lost or not imported (above)" :
		  "yes: every frame reached both importers as the driver's dma-buf");
	table_print();
	g_free(fwht);
	g_free(png);
	g_free(dev);
	return status;
}
