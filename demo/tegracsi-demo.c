/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsi-demo: capture from tegracsisrc on the virtual sensor, zero-copy
 * into the vicodec FWHT encoder and the vkms display, then print a summary.
 *
 * Runs in the QEMU guest (scripts/demo boots it). Usage:
 *   tegracsi-demo OUTDIR [FRAMES] [WIDTHxHEIGHT]
 * Writes OUTDIR/demo.fwht (the encoded stream) and OUTDIR/frame.png (one
 * frame for a person to look at). Exit status 0 when every frame reached
 * both consumers with no byte copied.
 */
#define _GNU_SOURCE	/* RUSAGE_THREAD */
#include <errno.h>
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

static void count_evidence(GstDebugCategory *cat, GstDebugLevel level,
			   const gchar *file, const gchar *function, gint line,
			   GObject *obj, GstDebugMessage *message, gpointer data)
{
	const gchar *name = gst_debug_category_get_name(cat);
	gboolean watched = strcmp(name, "kmssink") == 0 ||
			   strcmp(name, "v4l2bufferpool") == 0;
	const gchar *text;

	/* Everything else, and warnings, go to the usual GST_DEBUG output. */
	if (!watched || level <= GST_LEVEL_WARNING) {
		gst_debug_log_default(cat, level, file, function, line, obj, message, data);
		return;
	}
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

/* Runs @desc to EOS. Returns the pipeline (for stats) or NULL on error. */
static GstElement *run_pipeline(const gchar *desc, void (*setup)(GstElement *pipe))
{
	GError *err = NULL;
	GstElement *pipe = gst_parse_launch(desc, &err);
	GstMessage *msg;
	gboolean ok;

	if (!pipe) {
		g_printerr("demo: cannot build the pipeline: %s\n", err->message);
		g_error_free(err);
		return NULL;
	}
	if (setup)
		setup(pipe);
	g_print("demo: gst-launch-1.0 %s\n", desc);
	if (gst_element_set_state(pipe, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
		g_printerr("demo: the pipeline did not start\n");
	msg = gst_bus_timed_pop_filtered(GST_ELEMENT_BUS(pipe), GST_CLOCK_TIME_NONE,
					 GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
	ok = GST_MESSAGE_TYPE(msg) == GST_MESSAGE_EOS;
	if (!ok) {
		gchar *dbg = NULL;

		gst_message_parse_error(msg, &err, &dbg);
		g_printerr("demo: %s: %s\n  %s\n", GST_OBJECT_NAME(msg->src),
			   err->message, dbg ? dbg : "");
		g_error_free(err);
		g_free(dbg);
	}
	gst_message_unref(msg);
	gst_element_set_state(pipe, GST_STATE_NULL);
	if (!ok) {
		gst_object_unref(pipe);
		return NULL;
	}
	return pipe;
}

static guint64 stat_u64(const GstStructure *s, const gchar *name)
{
	guint64 v = 0;

	gst_structure_get_uint64(s, name, &v);
	return v;
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

	gst_init(&argc, &argv);
	if (argc < 2) {
		g_printerr("usage: %s OUTDIR [FRAMES] [WIDTHxHEIGHT]\n", argv[0]);
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
	watch_importers();
	getrusage(RUSAGE_SELF, &ru0);
	t0 = g_get_monotonic_time();
	pipe = run_pipeline(desc, watch_capture_thread);
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
	pipe = run_pipeline(desc, NULL);
	g_free(desc);
	if (pipe)
		gst_object_unref(pipe);
	else
		status = 1;

	g_print("\n== tegracsi demo: %s, %dx%d BGRx ==\n", dev, width, height);
	g_print("frames captured     %" G_GUINT64_FORMAT "\n", captured);
	g_print("frames dropped      %" G_GUINT64_FORMAT " (gaps in the driver's sequence: frames the "
		"sensor made while downstream held every buffer)\n", dropped);
	/* the sensor runs at 30 fps; the slowest importer sets the pace */
	g_print("pipeline rate       %.2f frames/s (sensor 30 fps)\n",
		t1 > t0 ? captured * 1e6 / (t1 - t0) : 0.0);
	g_print("frames errored      %" G_GUINT64_FORMAT "\n", errored);
	g_print("bytes copied        %" G_GUINT64_FORMAT "\n", copied);
	/* ms per frame; TCG emulates the CPU, so only the ratios mean much */
	per = captured ? 1000.0 / captured : 0.0;
	g_print("CPU time per frame  capture thread %.2f ms (user %.2f, system %.2f); "
		"whole process %.2f ms (user %.2f, system %.2f); TCG-emulated CPU\n",
		(cap_user + cap_sys) * per, cap_user * per, cap_sys * per,
		(proc_user + proc_sys) * per, proc_user * per, proc_sys * per);
	/* kmssink may show the last frame once more at EOS: imports >= frames */
	g_print("display (vkms)      %d frame imports by PRIME (%d framebuffers), %d frames not imported\n",
		kms_imports, kms_new_fbs, MAX(0, (int)captured - kms_imports));
	g_print("encoder (vicodec)   %d frames imported as dma-buf, %d copied\n",
		enc_imports, enc_copies);
	if (g_stat(fwht, &st) == 0)
		g_print("encoded stream      %s (%lld bytes)\n", fwht, (long long)st.st_size);
	else
		status = 1;
	g_print("snapshot            %s\n", png);
	/* Every captured frame reached both importers without a copy (the
	 * display may skip none: sync=false). */
	if (captured != (guint64)frames || copied != 0 || enc_copies != 0 ||
	    (guint64)enc_imports != captured || (guint64)kms_imports < captured)
		status = 1;
	g_free(fwht);
	g_free(png);
	g_free(dev);
	return status;
}
