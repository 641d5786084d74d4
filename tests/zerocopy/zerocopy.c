/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Zero-copy through real importers, for tegracsisrc io-mode=dmabuf.
 * Runs in the QEMU guest (tests/vm/run). Usage:
 *   zerocopy CASE [FRAMES]     CASE: cpu, encoder, display, v4l2sink
 * Exit status 0 when every check passed, 1 on a failure, 77 when a device
 * the case needs is absent. What each case proves: tests/zerocopy/README.md.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/videodev2.h>
#include <linux/v4l2-dv-timings.h>
#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/video/video.h>

#include "zc-common.h"

#define CAPTURE_BUFFERS 4

static gchar *capture_dev;

/*
 * The source every case starts with: counter pattern, dma-buf export.
 * ZC_IO_MODE and ZC_TEST_PATTERN override both, to check by hand that each
 * case fails when zero-copy (io-mode=mmap) or the content (test pattern 1)
 * breaks; see README.md.
 */
static gchar *source_desc(guint frames, const gchar *format, guint w, guint h)
{
	const gchar *io_mode = g_getenv("ZC_IO_MODE");
	const gchar *pattern = g_getenv("ZC_TEST_PATTERN");

	return g_strdup_printf(
		"tegracsisrc name=src device=%s io-mode=%s num-buffers=%u "
		"capture-buffers=%u extra-controls=\"c,test_pattern=%s\" ! "
		"video/x-raw,format=%s,width=%u,height=%u,framerate=30/1",
		capture_dev, io_mode ? io_mode : "dmabuf", frames, CAPTURE_BUFFERS,
		pattern ? pattern : "0", format, w, h);
}

static GstElement *launch(const gchar *desc)
{
	GError *err = NULL;
	GstElement *pipe = gst_parse_launch(desc, &err);

	g_print("pipeline: %s\n", desc);
	if (!pipe)
		g_error("cannot build the pipeline: %s", err->message);
	return pipe;
}

/* The element really used the number of buffers we asked for. */
static guint element_buffers(GstElement *pipe)
{
	GstElement *src = gst_bin_get_by_name(GST_BIN(pipe), "src");
	guint n = 0;

	g_object_get(src, "capture-buffers", &n, NULL);
	gst_object_unref(src);
	return n;
}

/* ---- cpu: appsink maps every buffer and checks every byte in place ---- */

struct cpu_check {
	guint frames;
	guint bad_frames;
	guint copies;		/* maps that did not map the dma-buf memory itself */
};

static GstFlowReturn cpu_sample(GstAppSink *sink, gpointer data)
{
	struct cpu_check *c = data;
	GstSample *sample = gst_app_sink_pull_sample(sink);
	GstBuffer *buf = gst_sample_get_buffer(sample);
	GstVideoMeta *meta = gst_buffer_get_video_meta(buf);
	GstMemory *mem = gst_buffer_peek_memory(buf, 0);
	GstMapInfo map;
	gsize bad;

	c->frames++;
	if (!meta || !gst_buffer_map(buf, &map, GST_MAP_READ)) {
		c->bad_frames++;
		gst_sample_unref(sample);
		return GST_FLOW_OK;
	}
	/* one memory mapped directly: no merge into a new (copied) memory */
	if (gst_buffer_n_memory(buf) != 1 || map.memory != mem)
		c->copies++;
	bad = zc_counter_mismatches(map.data, map.size, meta->stride[0],
				    (guint32)GST_BUFFER_OFFSET(buf));
	if (bad) {
		g_printerr("frame seq %" G_GUINT64_FORMAT ": %zu of %zu bytes differ from the counter pattern\n",
			   GST_BUFFER_OFFSET(buf), bad, map.size);
		c->bad_frames++;
	}
	gst_buffer_unmap(buf, &map);
	gst_sample_unref(sample);
	return GST_FLOW_OK;
}

static int case_cpu(guint frames)
{
	gchar *src = source_desc(frames, "BGRx", 320, 240);
	gchar *desc = g_strdup_printf("%s ! appsink name=sink sync=false", src);
	GstElement *pipe = launch(desc);
	GstElement *sink = gst_bin_get_by_name(GST_BIN(pipe), "sink");
	GstAppSinkCallbacks cb = { .new_sample = cpu_sample };
	struct cpu_check c = { 0 };
	struct zc_follow *f = zc_follow_pad(pipe, "sink", "sink");
	gchar *error;
	int failures = 0;

	gst_app_sink_set_callbacks(GST_APP_SINK(sink), &cb, &c, NULL);
	error = zc_run(pipe, 300);
	if (error)
		return zc_fail("%s", error);
	g_print("appsink: %u frames mapped, %u wrong, %u not mapped in place\n",
		c.frames, c.bad_frames, c.copies);
	if (c.frames != frames || c.bad_frames || c.copies)
		failures += zc_fail("cpu mapping or content");
	failures += zc_follow_check(f, element_buffers(pipe));
	failures += zc_check_stats(pipe, f->frames);
	zc_follow_free(f);
	gst_object_unref(sink);
	gst_object_unref(pipe);
	g_free(desc);
	g_free(src);
	return failures ? 1 : 0;
}

/* ---- encoder: vicodec imports our dma-bufs; the stream is our content ---- */

struct collected {
	GPtrArray *samples;	/* GstSample of every output buffer */
};

static GstFlowReturn collect_sample(GstAppSink *sink, gpointer data)
{
	struct collected *c = data;

	g_ptr_array_add(c->samples, gst_app_sink_pull_sample(sink));
	return GST_FLOW_OK;
}

/* Runs @pipe (an appsink named "out" at the end, an appsrc named @feed at the
 * start fed @buffers with @feed_caps) to EOS and keeps what reached "out". */
static void collect_from(GstElement *pipe, const gchar *name, struct collected *c)
{
	GstElement *out = gst_bin_get_by_name(GST_BIN(pipe), name);
	GstAppSinkCallbacks cb = { .new_sample = collect_sample };

	c->samples = g_ptr_array_new_with_free_func((GDestroyNotify)gst_sample_unref);
	gst_app_sink_set_callbacks(GST_APP_SINK(out), &cb, c, NULL);
	gst_object_unref(out);
}

static gchar *run_collect(GstElement *pipe, struct collected *c, const gchar *feed,
			  GPtrArray *buffers, GstCaps *feed_caps)
{
	collect_from(pipe, "out", c);
	if (feed) {
		GstElement *in = gst_bin_get_by_name(GST_BIN(pipe), feed);

		g_object_set(in, "caps", feed_caps, "format", GST_FORMAT_TIME, NULL);
		for (guint i = 0; i < buffers->len; i++)
			gst_app_src_push_buffer(GST_APP_SRC(in), gst_buffer_ref(buffers->pdata[i]));
		gst_app_src_end_of_stream(GST_APP_SRC(in));
		gst_object_unref(in);
	}
	return zc_run(pipe, 300);
}

/* A frame of the counter pattern for @seq, as the driver would write it. */
static GstBuffer *expected_frame(const GstVideoInfo *info, guint32 seq, guint i)
{
	GstBuffer *buf = gst_buffer_new_allocate(NULL, GST_VIDEO_INFO_SIZE(info), NULL);
	gsize stride = GST_VIDEO_INFO_PLANE_STRIDE(info, 0);
	GstMapInfo map;

	gst_buffer_map(buf, &map, GST_MAP_WRITE);
	for (gsize off = 0; off < map.size; off++)
		map.data[off] = zc_counter_byte(seq, off / stride, off % stride);
	gst_buffer_unmap(buf, &map);
	GST_BUFFER_PTS(buf) = gst_util_uint64_scale(i, GST_VIDEO_INFO_FPS_D(info) * GST_SECOND,
						    GST_VIDEO_INFO_FPS_N(info));
	GST_BUFFER_DURATION(buf) = gst_util_uint64_scale(GST_VIDEO_INFO_FPS_D(info), GST_SECOND,
							 GST_VIDEO_INFO_FPS_N(info));
	return buf;
}

static GBytes *concat(GPtrArray *samples)
{
	GByteArray *all = g_byte_array_new();

	for (guint i = 0; i < samples->len; i++) {
		GstBuffer *b = gst_sample_get_buffer(samples->pdata[i]);
		GstMapInfo map;

		gst_buffer_map(b, &map, GST_MAP_READ);
		g_byte_array_append(all, map.data, map.size);
		gst_buffer_unmap(b, &map);
	}
	return g_byte_array_free_to_bytes(all);
}

/*
 * FWHT is lossy at every setting (vicodec's quantisation tables shift every
 * coefficient right by at least 2), and GStreamer 1.22's v4l2fwhtdec offers
 * EMPTY sink caps on this vicodec, so the stream cannot be decoded here.
 * The content proof is byte-exact instead: vicodec's encoder is
 * deterministic, so the same encoder fed CPU-made counter frames of the same
 * sequence numbers, in the same order, must give the same stream, byte for
 * byte. A wrong, stale or torn frame changes the stream.
 */
static int case_encoder(guint frames)
{
	gchar *enc_node = zc_find_node("vicodec", V4L2_CAP_VIDEO_M2M);
	gchar *src, *desc;
	GstElement *pipe;
	struct collected a = { 0 }, b = { 0 };
	struct zc_follow *f;
	struct zc_evidence ev;
	GstCaps *raw_caps;
	GPtrArray *expected;
	GstVideoInfo info;
	GBytes *stream_a, *stream_b;
	gchar *error;
	guint buffers;
	int failures = 0;

	if (!enc_node) {
		g_print("SKIP: no vicodec node\n");
		return ZC_SKIP;
	}
	g_free(enc_node);

	/* A: capture, import into the encoder (vicodec needs at least 640x480) */
	src = source_desc(frames, "BGRx", 640, 480);
	desc = g_strdup_printf("%s ! v4l2fwhtenc name=enc output-io-mode=dmabuf-import ! "
			       "appsink name=out sync=false", src);
	zc_pool_prefix = "enc:";
	zc_watch_importers();
	pipe = launch(desc);
	f = zc_follow_pad(pipe, "enc", "sink");
	error = run_collect(pipe, &a, NULL, NULL, NULL);
	ev = zc_ev;
	zc_unwatch_importers();
	if (error)
		return zc_fail("%s", error);
	g_print("encoder: %d frames imported as dma-buf, %d copied; %u encoded frames\n",
		ev.v4l2_imports, ev.v4l2_copies, a.samples->len);
	if ((guint)ev.v4l2_imports != f->frames || ev.v4l2_copies != 0)
		failures += zc_fail("the encoder did not import every frame");
	buffers = element_buffers(pipe);
	failures += zc_follow_check(f, buffers);
	failures += zc_check_stats(pipe, f->frames);
	if (a.samples->len != f->frames)
		failures += zc_fail("%u frames in, %u encoded", f->frames, a.samples->len);
	if (a.samples->len == 0)
		return 1;
	gst_object_unref(pipe);
	g_free(desc);
	g_free(src);

	/*
	 * B: the same encoder (copying, output-io-mode auto), fed CPU-made
	 * counter frames of the same sequence numbers with the caps it got in
	 * A; then, to show the comparison can fail, the frames of the next
	 * sequence numbers (every byte of the pattern moves by one).
	 */
	raw_caps = gst_caps_ref(f->caps);
	gst_video_info_from_caps(&info, raw_caps);
	stream_a = concat(a.samples);
	for (guint shift = 0; shift < 2; shift++) {
		expected = g_ptr_array_new_with_free_func((GDestroyNotify)gst_buffer_unref);
		for (guint i = 0; i < f->seqs->len; i++)
			g_ptr_array_add(expected, expected_frame(&info,
					g_array_index(f->seqs, guint64, i) + shift, i));
		pipe = launch("appsrc name=in ! v4l2fwhtenc ! appsink name=out sync=false");
		error = run_collect(pipe, &b, "in", expected, raw_caps);
		gst_object_unref(pipe);
		g_ptr_array_unref(expected);
		if (error)
			return zc_fail("re-encode: %s", error);
		stream_b = concat(b.samples);
		g_ptr_array_unref(b.samples);
		g_print("re-encode (sequence + %u): imported stream %zu bytes, CPU stream %zu bytes, %s\n",
			shift, g_bytes_get_size(stream_a), g_bytes_get_size(stream_b),
			g_bytes_equal(stream_a, stream_b) ? "equal" : "different");
		if (g_bytes_equal(stream_a, stream_b) != (shift == 0))
			failures += zc_fail(shift == 0 ?
					    "the encoded stream differs from the counter frames' encoding" :
					    "the comparison does not tell frames apart");
		g_bytes_unref(stream_b);
	}

	g_bytes_unref(stream_a);
	g_ptr_array_unref(a.samples);
	gst_caps_unref(raw_caps);
	zc_follow_free(f);
	return failures ? 1 : 0;
}

/* ---- display: kmssink on vkms imports every frame by PRIME ---- */

static int case_display(guint frames)
{
	gchar *src, *desc;
	GstElement *pipe;
	struct zc_follow *f;
	struct zc_evidence ev;
	gchar *error;
	guint buffers;
	int failures = 0;

	if (!g_file_test("/sys/module/vkms", G_FILE_TEST_IS_DIR)) {
		g_print("SKIP: vkms is not loaded\n");
		return ZC_SKIP;
	}
	/* vkms offers DMT modes only (640x480 the smallest): a frame covering the mode */
	src = source_desc(frames, "BGRx", 640, 480);
	desc = g_strdup_printf("%s ! kmssink name=sink driver-name=vkms can-scale=false "
			       "force-modesetting=true sync=false show-preroll-frame=false", src);
	zc_watch_importers();
	pipe = launch(desc);
	f = zc_follow_pad(pipe, "sink", "sink");
	f->verify = TRUE;
	error = zc_run(pipe, 300);
	ev = zc_ev;
	zc_unwatch_importers();
	if (error)
		return zc_fail("%s", error);
	buffers = element_buffers(pipe);
	g_print("kmssink: %d PRIME imports, %d framebuffers created\n", ev.kms_imports, ev.kms_new_fbs);
	/* one import per frame (show-preroll-frame=false: the first frame is
	 * not shown twice), one framebuffer per dma-buf: created once, found
	 * again when recycled */
	if ((guint)ev.kms_imports != f->frames)
		failures += zc_fail("%d imports for %u frames", ev.kms_imports, f->frames);
	if ((guint)ev.kms_new_fbs != g_hash_table_size(f->inodes))
		failures += zc_fail("%d framebuffers for %u dma-bufs", ev.kms_new_fbs,
				    g_hash_table_size(f->inodes));
	failures += zc_follow_check(f, buffers);
	failures += zc_check_stats(pipe, f->frames);
	zc_follow_free(f);
	gst_object_unref(pipe);
	g_free(desc);
	g_free(src);
	return failures ? 1 : 0;
}

/* ---- v4l2sink: vivid's video output imports every frame ---- */

/* vivid's output 1 is HDMI: progressive, its size set by DV timings */
static gboolean vivid_output_640x480(const gchar *node)
{
	struct v4l2_dv_timings t = V4L2_DV_BT_DMT_640X480P60;
	int output = -1, fd = open(node, O_RDWR | O_CLOEXEC);
	struct v4l2_output out = { 0 };
	gboolean ok = FALSE;

	if (fd < 0)
		return FALSE;
	for (out.index = 0; ioctl(fd, VIDIOC_ENUMOUTPUT, &out) == 0; out.index++)
		if (out.capabilities & V4L2_OUT_CAP_DV_TIMINGS) {
			output = out.index;
			break;
		}
	if (output >= 0 && ioctl(fd, VIDIOC_S_OUTPUT, &output) == 0 &&
	    ioctl(fd, VIDIOC_S_DV_TIMINGS, &t) == 0)
		ok = TRUE;
	close(fd);
	return ok;
}

static int case_v4l2sink(guint frames)
{
	gchar *out_node = zc_find_node("vivid", V4L2_CAP_VIDEO_OUTPUT);
	GstElement *pipe;
	struct zc_follow *f;
	struct zc_evidence ev;
	gchar *src, *desc, *error;
	int failures = 0;

	if (!out_node) {
		g_print("SKIP: no vivid video output node\n");
		return ZC_SKIP;
	}
	if (!vivid_output_640x480(out_node))
		return zc_fail("cannot select vivid's HDMI output at 640x480 on %s", out_node);
	src = source_desc(frames, "UYVY", 640, 480);
	desc = g_strdup_printf("%s ! v4l2sink name=sink device=%s io-mode=dmabuf-import sync=false "
			       "show-preroll-frame=false", src, out_node);
	zc_watch_importers();
	pipe = launch(desc);
	f = zc_follow_pad(pipe, "sink", "sink");
	f->verify = TRUE;
	error = zc_run(pipe, 300);
	ev = zc_ev;
	zc_unwatch_importers();
	if (error)
		return zc_fail("%s", error);
	g_print("v4l2sink: %d frames imported as dma-buf, %d copied\n",
		ev.v4l2_imports, ev.v4l2_copies);
	if ((guint)ev.v4l2_imports != f->frames || ev.v4l2_copies != 0)
		failures += zc_fail("v4l2sink did not import every frame");
	failures += zc_follow_check(f, element_buffers(pipe));
	failures += zc_check_stats(pipe, f->frames);
	zc_follow_free(f);
	gst_object_unref(pipe);
	g_free(desc);
	g_free(src);
	g_free(out_node);
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	guint frames;
	int status;

	gst_init(&argc, &argv);
	if (argc < 2) {
		g_printerr("usage: %s cpu|encoder|display|v4l2sink [FRAMES]\n", argv[0]);
		return 2;
	}
	frames = argc > 2 ? (guint)atoi(argv[2]) : 20;
	capture_dev = zc_find_node(ZC_DRIVER, V4L2_CAP_VIDEO_CAPTURE);
	if (!capture_dev) {
		g_print("SKIP: no %s capture node\n", ZC_DRIVER);
		return ZC_SKIP;
	}
	if (strcmp(argv[1], "cpu") == 0)
		status = case_cpu(frames);
	else if (strcmp(argv[1], "encoder") == 0)
		status = case_encoder(frames);
	else if (strcmp(argv[1], "display") == 0)
		status = case_display(frames);
	else if (strcmp(argv[1], "v4l2sink") == 0)
		status = case_v4l2sink(frames);
	else
		status = 2;
	g_print("%s: %s\n", argv[1], status == 0 ? "PASS" : status == ZC_SKIP ? "SKIP" : "FAIL");
	return status;
}
