/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * malloc-capture: frames DMA'd by the capture device straight into memory
 * this program allocated itself, with posix_memalign() or malloc().
 *
 *   tegracsisrc io-mode=userptr ! video/x-raw,format=BGRx,... ! appsink
 *
 * The program answers appsink's ALLOCATION query with a buffer pool of its
 * own (AppMallocPool, below). tegracsisrc with io-mode=userptr takes that
 * pool's buffers, gives their addresses to the driver (V4L2_MEMORY_USERPTR)
 * and pushes the very same buffers once the driver has written a frame into
 * them. For every frame it receives, the program checks that the data lies
 * in a block it allocated and that every byte is the driver's counter test
 * pattern for that frame. See README.md in this folder.
 */
#include <gst/gst.h>
#include <gst/app/gstappsink.h>
#include <gst/video/video.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/tegra-csi-sg.h>

/* One block of memory the pool allocated: the memory of one frame buffer. */
typedef struct
{
  guint8 *data;                 /* the address the device writes to */
  gsize size;
  guint frames;                 /* frames received in it */
} Block;

/* A buffer pool whose buffers are plain heap memory of this process. */
typedef struct
{
  GstBufferPool parent;

  gsize alignment;              /* posix_memalign() alignment; 0: malloc() */
  gsize misalign;               /* bytes added to each address (a demo) */
  gsize size;                   /* bytes per buffer, from the config */

  GMutex lock;                  /* protects blocks */
  GArray *blocks;               /* of Block, every block allocated */
} AppMallocPool;

typedef struct
{
  GstBufferPoolClass parent_class;
} AppMallocPoolClass;

G_DEFINE_TYPE (AppMallocPool, app_malloc_pool, GST_TYPE_BUFFER_POOL);
#define APP_MALLOC_POOL(obj) ((AppMallocPool *) (obj))

/* Remembers the buffer size the element configured (at least the driver's
 * sizeimage). */
static gboolean
app_malloc_pool_set_config (GstBufferPool * pool, GstStructure * config)
{
  guint size = 0;

  if (!gst_buffer_pool_config_get_params (config, NULL, &size, NULL, NULL) ||
      size == 0)
    return FALSE;
  APP_MALLOC_POOL (pool)->size = size;
  return GST_BUFFER_POOL_CLASS (app_malloc_pool_parent_class)->set_config
      (pool, config);
}

/* Allocates one frame with posix_memalign() (or malloc()) and wraps it in a
 * GstBuffer; free() runs when GStreamer drops the memory. */
static GstFlowReturn
app_malloc_pool_alloc_buffer (GstBufferPool * pool, GstBuffer ** buffer,
    G_GNUC_UNUSED GstBufferPoolAcquireParams * params)
{
  AppMallocPool *self = APP_MALLOC_POOL (pool);
  gsize total = self->size + self->misalign;
  Block block = { NULL, self->size, 0 };
  void *p = NULL;

  if (self->alignment == 0)
    p = malloc (total);
  else if (posix_memalign (&p, self->alignment, total) != 0)
    p = NULL;
  if (p == NULL)
    return GST_FLOW_ERROR;

  block.data = (guint8 *) p + self->misalign;
  g_mutex_lock (&self->lock);
  g_array_append_val (self->blocks, block);
  g_mutex_unlock (&self->lock);
  g_print ("allocated a frame of %" G_GSIZE_FORMAT " bytes at %p\n",
      block.size, block.data);

  *buffer = gst_buffer_new ();
  gst_buffer_append_memory (*buffer, gst_memory_new_wrapped (0, block.data,
          block.size, 0, block.size, p, free));
  return GST_FLOW_OK;
}

/* Counts a frame received at @data; FALSE when no block of ours holds all
 * @size bytes of it (someone copied the frame elsewhere). */
static gboolean
app_malloc_pool_count_frame (AppMallocPool * self, const guint8 * data,
    gsize size)
{
  gboolean found = FALSE;
  guint i;

  g_mutex_lock (&self->lock);
  for (i = 0; i < self->blocks->len && !found; i++) {
    Block *b = &g_array_index (self->blocks, Block, i);

    if (data >= b->data && data + size <= b->data + b->size) {
      b->frames++;
      found = TRUE;
    }
  }
  g_mutex_unlock (&self->lock);
  return found;
}

/* Frees the bookkeeping; the blocks themselves went with their buffers. */
static void
app_malloc_pool_finalize (GObject * object)
{
  AppMallocPool *self = APP_MALLOC_POOL (object);

  g_array_unref (self->blocks);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (app_malloc_pool_parent_class)->finalize (object);
}

/* Installs the pool's virtual methods. */
static void
app_malloc_pool_class_init (AppMallocPoolClass * klass)
{
  G_OBJECT_CLASS (klass)->finalize = app_malloc_pool_finalize;
  GST_BUFFER_POOL_CLASS (klass)->set_config = app_malloc_pool_set_config;
  GST_BUFFER_POOL_CLASS (klass)->alloc_buffer = app_malloc_pool_alloc_buffer;
}

/* Sets up an empty block list. */
static void
app_malloc_pool_init (AppMallocPool * self)
{
  g_mutex_init (&self->lock);
  self->blocks = g_array_new (FALSE, FALSE, sizeof (Block));
}

/* Creates the pool: @alignment 0 means plain malloc(). */
static AppMallocPool *
app_malloc_pool_new (gsize alignment, gsize misalign)
{
  AppMallocPool *self = g_object_new (app_malloc_pool_get_type (), NULL);

  gst_object_ref_sink (self);
  self->alignment = alignment;
  self->misalign = misalign;
  return self;
}

/* Answers the ALLOCATION query that reaches appsink's sink pad: our pool,
 * and "this application reads GstVideoMeta" (so the element may hand frames
 * laid out with the driver's strides). */
static GstPadProbeReturn
answer_allocation (G_GNUC_UNUSED GstPad * pad, GstPadProbeInfo * info,
    gpointer user_data)
{
  GstQuery *query = GST_PAD_PROBE_INFO_QUERY (info);
  GstCaps *caps = NULL;
  GstVideoInfo vinfo;

  if (GST_QUERY_TYPE (query) != GST_QUERY_ALLOCATION)
    return GST_PAD_PROBE_OK;
  gst_query_parse_allocation (query, &caps, NULL);
  if (caps == NULL || !gst_video_info_from_caps (&vinfo, caps))
    return GST_PAD_PROBE_OK;

  gst_query_add_allocation_pool (query, GST_BUFFER_POOL (user_data),
      vinfo.size, 0, 0);
  gst_query_add_allocation_meta (query, GST_VIDEO_META_API_TYPE, NULL);
  return GST_PAD_PROBE_HANDLED;   /* answered: the query returns TRUE */
}

/* What the frame callback found. Written by the streaming thread, read by
 * main() after the pipeline stopped. */
typedef struct
{
  AppMallocPool *pool;
  guint frames;                 /* received */
  guint verified;               /* in our memory with the right content */
  guint outside;                /* data not in a block of ours */
} Capture;

/* Bytes of a frame that differ from the counter pattern of frame @seq. */
static gsize
count_bad_bytes (const guint8 * data, guint32 seq, gsize stride, guint height)
{
  gsize bad = 0, col;
  guint line;

  for (line = 0; line < height; line++) {
    const guint8 *row = data + line * stride;

    for (col = 0; col < stride; col++)
      bad += row[col] != tegra_csi_sg_counter_byte (seq, line, col);
  }
  return bad;
}

/* appsink's new-sample callback: checks where the frame is and what it
 * holds. */
static GstFlowReturn
on_new_sample (GstAppSink * sink, gpointer user_data)
{
  Capture *cap = user_data;
  GstSample *sample = gst_app_sink_pull_sample (sink);
  GstBuffer *buf = gst_sample_get_buffer (sample);
  GstVideoMeta *meta = gst_buffer_get_video_meta (buf);
  guint32 seq = GST_BUFFER_OFFSET (buf);        /* the V4L2 sequence */
  GstMapInfo map;
  gsize need, bad = 0;
  gboolean ours;

  cap->frames++;
  if (meta == NULL || !gst_buffer_map (buf, &map, GST_MAP_READ)) {
    g_printerr ("frame %u: no GstVideoMeta or not mappable\n", seq);
    gst_sample_unref (sample);
    return GST_FLOW_OK;
  }
  need = (gsize) meta->stride[0] * meta->height;
  ours = app_malloc_pool_count_frame (cap->pool, map.data, map.size);
  if (map.size >= need)
    bad = count_bad_bytes (map.data, seq, meta->stride[0], meta->height);

  if (!ours)
    cap->outside++;
  if (ours && map.size >= need && bad == 0)
    cap->verified++;
  else
    g_printerr ("frame %u at %p: %s, %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT
        " bytes wrong\n", seq, map.data, ours ? "in our memory" :
        "NOT in our memory", map.size >= need ? bad : need, need);

  gst_buffer_unmap (buf, &map);
  gst_sample_unref (sample);
  return GST_FLOW_OK;
}

/* Captures, checks every frame, prints a summary. Exit status 0 when all
 * frames arrived in our memory with the right content and nothing was
 * copied (or, with --expect-error, when that error came before any frame
 * was captured); 1 otherwise, also when there is no capture device. */
int
main (int argc, char **argv)
{
  gchar *device = g_strdup ("/dev/video0"), **expect = NULL;
  gint frames = 60, width = 640, height = 480, buffers = 4, misalign = 0;
  gint align = sysconf (_SC_PAGESIZE);
  gboolean use_malloc = FALSE, ok;
  GOptionEntry entries[] = {
    {"device", 'd', 0, G_OPTION_ARG_FILENAME, &device, "Capture node "
          "(/dev/video0)", "PATH"},
    {"frames", 'n', 0, G_OPTION_ARG_INT, &frames, "Frames to capture (60)",
        "N"},
    {"width", 0, 0, G_OPTION_ARG_INT, &width, "Frame width (640)", "W"},
    {"height", 0, 0, G_OPTION_ARG_INT, &height, "Frame height (480)", "H"},
    {"buffers", 'b', 0, G_OPTION_ARG_INT, &buffers, "Frame buffers the "
          "application allocates (4)", "N"},
    {"align", 0, 0, G_OPTION_ARG_INT, &align, "posix_memalign() alignment "
          "(the page size)", "BYTES"},
    {"malloc", 0, 0, G_OPTION_ARG_NONE, &use_malloc, "Allocate with plain "
          "malloc() instead", NULL},
    {"misalign", 0, 0, G_OPTION_ARG_INT, &misalign, "Move every frame this "
          "many bytes past its aligned address (shows the alignment error)",
        "BYTES"},
    {"expect-error", 0, 0, G_OPTION_ARG_STRING_ARRAY, &expect, "Succeed only "
          "if the pipeline fails with an error containing this text "
          "(repeatable)", "TEXT"},
    {NULL}
  };
  GOptionContext *ctx = g_option_context_new ("- capture into malloc'ed "
      "memory");
  GError *error = NULL;
  GstElement *pipeline, *src, *sink;
  GstStructure *stats = NULL;
  GstMessage *msg;
  GstPad *pad;
  Capture cap = { 0 };
  GstAppSinkCallbacks callbacks = { 0 };
  guint64 captured = 0, dropped = 0, copied = 0;
  guint i, used = 0;
  gchar *desc;

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
    g_printerr ("%s\n", error->message);
    return 2;
  }
  g_option_context_free (ctx);
  if (!g_file_test (device, G_FILE_TEST_EXISTS)) {
    g_printerr ("no capture device %s\n", device);
    return 1;
  }

  desc = g_strdup_printf ("tegracsisrc name=src device=%s io-mode=userptr "
      "capture-buffers=%d num-buffers=%d extra-controls=\"c,test_pattern=%d\" "
      "! video/x-raw,format=BGRx,width=%d,height=%d,framerate=30/1 "
      "! appsink name=sink sync=false", device, buffers, frames,
      TEGRA_CSI_SG_PATTERN_COUNTER, width, height);
  pipeline = gst_parse_launch (desc, &error);
  g_free (desc);
  if (pipeline == NULL) {
    g_printerr ("pipeline: %s\n", error->message);
    return 1;
  }
  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");

  /* Our pool answers appsink's ALLOCATION query. */
  cap.pool = app_malloc_pool_new (use_malloc ? 0 : align, misalign);
  pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_QUERY_DOWNSTREAM,
      answer_allocation, gst_object_ref (cap.pool), gst_object_unref);
  gst_object_unref (pad);
  callbacks.new_sample = on_new_sample;
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, &cap, NULL);

  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (GST_ELEMENT_BUS (pipeline),
      GST_CLOCK_TIME_NONE, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    gchar *debug = NULL;

    gst_message_parse_error (msg, &error, &debug);
    g_printerr ("error from %s (%s, code %d): %s\n", GST_OBJECT_NAME
        (GST_MESSAGE_SRC (msg)), g_quark_to_string (error->domain),
        error->code, error->message);
    g_free (debug);
  }
  gst_message_unref (msg);

  g_object_get (src, "stats", &stats, NULL);
  gst_structure_get_uint64 (stats, "captured", &captured);
  gst_structure_get_uint64 (stats, "dropped", &dropped);
  gst_structure_get_uint64 (stats, "bytes-copied", &copied);
  gst_structure_free (stats);
  gst_element_set_state (pipeline, GST_STATE_NULL);

  for (i = 0; i < cap.pool->blocks->len; i++)
    used += g_array_index (cap.pool->blocks, Block, i).frames > 0;
  g_print ("frames received %u of %d, verified %u, not in our memory %u, "
      "blocks allocated %u, blocks used %u\n", cap.frames, frames,
      cap.verified, cap.outside, cap.pool->blocks->len, used);
  g_print ("element: captured %" G_GUINT64_FORMAT ", dropped %"
      G_GUINT64_FORMAT ", bytes copied %" G_GUINT64_FORMAT "\n", captured,
      dropped, copied);

  if (expect) {
    gchar **e;

    ok = error != NULL;
    for (e = expect; ok && *e; e++)
      ok = strstr (error->message, *e) != NULL;
    g_print ("%s\n", ok ? "the expected error came" :
        "FAILED: the expected error did not come");
    /* refused before the first frame: nothing captured, nothing received */
    if (ok && (cap.frames != 0 || captured != 0)) {
      g_print ("FAILED: %u frames received, %" G_GUINT64_FORMAT " captured "
          "before the error; expected none\n", cap.frames, captured);
      ok = FALSE;
    }
  } else {
    ok = error == NULL && cap.frames == (guint) frames &&
        cap.verified == cap.frames && cap.outside == 0 && copied == 0;
    g_print ("%s\n", ok ? "every frame was DMA'd into our own memory" :
        "FAILED");
  }

  g_clear_error (&error);
  g_strfreev (expect);
  g_free (device);
  gst_object_unref (src);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
  gst_object_unref (cap.pool);
  return ok ? 0 : 1;
}
