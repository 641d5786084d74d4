/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * app-dmabuf: frames this program allocated itself, filled by DMA, then
 * shown on a display and encoded, with no copy anywhere.
 *
 *   tegracsisrc io-mode=dmabuf-import ! video/x-raw,format=BGRx,... ! tee
 *     tee. ! queue ! kmssink (vkms)
 *     tee. ! queue ! v4l2fwhtenc output-io-mode=dmabuf-import ! appsink
 *
 * The program allocates each frame with posix_memalign() (or, --malloc,
 * plain malloc()), turns it into dma-buf memory with the plugin's
 * "tegracsi-app" allocator ("wrap" action signal: the driver exports the
 * range as a dma-buf, VIDIOC_TEGRA_CSI_SG_EXPORT_USERPTR) and hands those
 * buffers to tegracsisrc by answering its ALLOCATION query. The driver
 * captures into them, kmssink and the encoder import them as dma-bufs, and
 * the program reads the very frames through its own pointers. It checks:
 *  - every frame, read through the program's pointer (which is also what
 *    gst_buffer_map() gives) and through mmap() of the dma-buf, is the
 *    driver's counter test pattern of its sequence number;
 *  - the encoder's stream equals, byte for byte, what the same encoder makes
 *    of CPU-made counter frames of the same sequence numbers;
 *  - kmssink imported every frame by PRIME, the encoder imported every frame
 *    as a dma-buf and copied none, and tegracsisrc copied no byte;
 *  - after the last frame the program frees all its frames while kmssink
 *    still shows the last one: no fault, the picture stays (vkms's CRC of
 *    the output is unchanged, the dma-buf still holds the frame), and the
 *    pages go back (driver's pinned_pages, the process's VmPin) once the
 *    pipeline let go of the dma-bufs.
 * See README.md in this folder.
 */
#include <gst/gst.h>
#include <gst/app/app.h>
#include <gst/allocators/allocators.h>
#include <gst/video/video.h>

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <linux/videodev2.h>
#include <linux/tegra-csi-sg.h>

#define EXPORTS_STATS "/sys/kernel/debug/tegra-csi-sg/exports"

/* ---- the application's frames ---- */

/* One frame the program allocated, and what it saw in it. */
typedef struct
{
  guint8 *data;                 /* the program's pointer, where DMA writes */
  gsize size;
  guint64 inode;                /* its dma-buf */
  guint frames;                 /* frames received in it */
} Frame;

/* A buffer pool whose buffers are the program's own memory as dma-bufs. */
typedef struct
{
  GstBufferPool parent;

  GstAllocator *allocator;      /* "tegracsi-app" */
  gboolean plain_malloc;        /* malloc() rather than posix_memalign() */
  GstVideoInfo info;            /* from the config's caps */
  gsize size;                   /* bytes per buffer, from the config */

  GMutex lock;                  /* protects frames */
  GPtrArray *frames;            /* of Frame *, every frame allocated */
} AppPool;

typedef struct
{
  GstBufferPoolClass parent_class;
} AppPoolClass;

G_DEFINE_TYPE (AppPool, app_pool, GST_TYPE_BUFFER_POOL);
#define APP_POOL(obj) ((AppPool *) (obj))

static guint64
inode_of (gint fd)
{
  struct stat st;

  return fstat (fd, &st) == 0 ? (guint64) st.st_ino : 0;
}

static const gchar **
app_pool_get_options (G_GNUC_UNUSED GstBufferPool * pool)
{
  static const gchar *options[] = { GST_BUFFER_POOL_OPTION_VIDEO_META, NULL };

  return options;
}

/* Remembers the caps and size the element configured. */
static gboolean
app_pool_set_config (GstBufferPool * pool, GstStructure * config)
{
  AppPool *self = APP_POOL (pool);
  GstCaps *caps = NULL;
  guint size = 0;

  if (!gst_buffer_pool_config_get_params (config, &caps, &size, NULL, NULL) ||
      caps == NULL || size == 0 || !gst_video_info_from_caps (&self->info,
          caps))
    return FALSE;
  self->size = MAX (size, self->info.size);
  return GST_BUFFER_POOL_CLASS (app_pool_parent_class)->set_config (pool,
      config);
}

/* Allocates one frame and wraps it: the memory is the frame itself. */
static GstFlowReturn
app_pool_alloc_buffer (GstBufferPool * pool, GstBuffer ** buffer,
    G_GNUC_UNUSED GstBufferPoolAcquireParams * params)
{
  AppPool *self = APP_POOL (pool);
  Frame *frame;
  GError *error = NULL;
  GstMemory *mem = NULL;
  void *p = NULL;

  if (self->plain_malloc)
    p = malloc (self->size);
  else if (posix_memalign (&p, sysconf (_SC_PAGESIZE), self->size) != 0)
    p = NULL;
  if (p == NULL)
    return GST_FLOW_ERROR;

  g_signal_emit_by_name (self->allocator, "wrap", p, (guint64) self->size,
      &error, &mem);
  if (mem == NULL) {
    g_printerr ("cannot wrap the frame at %p: %s\n", p,
        error ? error->message : "no error given");
    g_clear_error (&error);
    free (p);
    return GST_FLOW_ERROR;
  }
  frame = g_new0 (Frame, 1);
  frame->data = p;
  frame->size = self->size;
  frame->inode = inode_of (gst_dmabuf_memory_get_fd (mem));
  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->frames, frame);
  g_mutex_unlock (&self->lock);
  g_print ("allocated a frame of %" G_GSIZE_FORMAT " bytes at %p, dma-buf "
      "fd %d, %" G_GSIZE_FORMAT " bytes into its first page\n", frame->size,
      frame->data, gst_dmabuf_memory_get_fd (mem), mem->offset);

  *buffer = gst_buffer_new ();
  gst_buffer_append_memory (*buffer, mem);
  gst_buffer_add_video_meta_full (*buffer, GST_VIDEO_FRAME_FLAG_NONE,
      GST_VIDEO_INFO_FORMAT (&self->info), GST_VIDEO_INFO_WIDTH (&self->info),
      GST_VIDEO_INFO_HEIGHT (&self->info), GST_VIDEO_INFO_N_PLANES
      (&self->info), self->info.offset, self->info.stride);
  return GST_FLOW_OK;
}

/* The frame whose dma-buf has @inode; NULL when none of ours. Counts the
 * frame received. */
static Frame *
app_pool_count_frame (AppPool * self, guint64 inode)
{
  Frame *found = NULL;
  guint i;

  g_mutex_lock (&self->lock);
  for (i = 0; i < self->frames->len && !found; i++) {
    Frame *f = g_ptr_array_index (self->frames, i);

    if (f->inode == inode) {
      f->frames++;
      found = f;
    }
  }
  g_mutex_unlock (&self->lock);
  return found;
}

/* Frees every frame the program allocated (the dma-bufs keep their pages). */
static void
app_pool_free_frames (AppPool * self)
{
  guint i;

  g_mutex_lock (&self->lock);
  for (i = 0; i < self->frames->len; i++) {
    Frame *f = g_ptr_array_index (self->frames, i);

    free (f->data);
    f->data = NULL;
  }
  g_mutex_unlock (&self->lock);
}

static void
app_pool_finalize (GObject * object)
{
  AppPool *self = APP_POOL (object);

  app_pool_free_frames (self);
  g_ptr_array_unref (self->frames);
  g_mutex_clear (&self->lock);
  gst_object_unref (self->allocator);
  G_OBJECT_CLASS (app_pool_parent_class)->finalize (object);
}

static void
app_pool_class_init (AppPoolClass * klass)
{
  G_OBJECT_CLASS (klass)->finalize = app_pool_finalize;
  GST_BUFFER_POOL_CLASS (klass)->get_options = app_pool_get_options;
  GST_BUFFER_POOL_CLASS (klass)->set_config = app_pool_set_config;
  GST_BUFFER_POOL_CLASS (klass)->alloc_buffer = app_pool_alloc_buffer;
}

static void
app_pool_init (AppPool * self)
{
  g_mutex_init (&self->lock);
  self->frames = g_ptr_array_new_with_free_func (g_free);
}

static AppPool *
app_pool_new (GstAllocator * allocator, gboolean plain_malloc)
{
  AppPool *self = g_object_new (app_pool_get_type (), NULL);

  gst_object_ref_sink (self);
  self->allocator = gst_object_ref (allocator);
  self->plain_malloc = plain_malloc;
  return self;
}

/*
 * Gives the element our pool. The query passes a tee, which offers no pool
 * of its own but sums what its branches want kept (min): after downstream
 * answered (PULL), our pool goes first, with that minimum.
 */
static GstPadProbeReturn
offer_pool (G_GNUC_UNUSED GstPad * pad, GstPadProbeInfo * info,
    gpointer user_data)
{
  GstQuery *query = GST_PAD_PROBE_INFO_QUERY (info);
  guint size = 0, min = 0, max = 0;
  GstBufferPool *other = NULL;
  GstCaps *caps = NULL;
  GstVideoInfo vinfo;

  if (GST_QUERY_TYPE (query) != GST_QUERY_ALLOCATION ||
      !(GST_PAD_PROBE_INFO_TYPE (info) & GST_PAD_PROBE_TYPE_PULL))
    return GST_PAD_PROBE_OK;
  gst_query_parse_allocation (query, &caps, NULL);
  if (caps == NULL || !gst_video_info_from_caps (&vinfo, caps))
    return GST_PAD_PROBE_OK;

  if (gst_query_get_n_allocation_pools (query) > 0) {
    gst_query_parse_nth_allocation_pool (query, 0, &other, &size, &min, &max);
    gst_query_set_nth_allocation_pool (query, 0, GST_BUFFER_POOL (user_data),
        MAX (size, vinfo.size), min, 0);
  } else {
    gst_query_add_allocation_pool (query, GST_BUFFER_POOL (user_data),
        vinfo.size, 0, 0);
  }
  g_print ("offered our pool to the element (downstream keeps %u frames, "
      "its own pool: %s)\n", min, other ? GST_OBJECT_NAME (other) : "none");
  g_clear_object (&other);
  return GST_PAD_PROBE_OK;
}

/* ---- checking frames ---- */

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

static void
dmabuf_sync (gint fd, guint64 flags)
{
  struct dma_buf_sync sync = { flags };

  while (ioctl (fd, DMA_BUF_IOCTL_SYNC, &sync) < 0 && errno == EINTR);
}

/* Bad bytes of frame @seq read through mmap() of @mem's dma-buf; G_MAXSIZE
 * when it does not map. */
static gsize
check_through_mmap (GstMemory * mem, guint32 seq, gsize stride, guint height)
{
  gint fd = gst_dmabuf_memory_get_fd (mem);
  off_t len = lseek (fd, 0, SEEK_END);
  guint8 *p;
  gsize bad;

  if (len <= 0)
    return G_MAXSIZE;
  p = mmap (NULL, len, PROT_READ, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED)
    return G_MAXSIZE;
  dmabuf_sync (fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ);
  bad = count_bad_bytes (p + mem->offset, seq, stride, height);
  dmabuf_sync (fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ);
  munmap (p, len);
  return bad;
}

/* What the frame probe found. Written by the streaming thread, read by
 * main() after the pipeline stopped. */
typedef struct
{
  AppPool *pool;
  guint frames;                 /* reached the tee */
  guint verified;               /* right through both views */
  guint not_ours;               /* in a dma-buf the program did not make */
  guint map_elsewhere;          /* gst_buffer_map() not the program's pointer */
  guint bad;                    /* wrong content */
} Capture;

/* On tegracsisrc's src pad: every frame, through the program's own pointer
 * and through the dma-buf's mmap(). */
static GstPadProbeReturn
check_frame (G_GNUC_UNUSED GstPad * pad, GstPadProbeInfo * info,
    gpointer user_data)
{
  Capture *cap = user_data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  GstMemory *mem = gst_buffer_peek_memory (buf, 0);
  GstVideoMeta *meta = gst_buffer_get_video_meta (buf);
  guint32 seq = GST_BUFFER_OFFSET (buf);        /* the V4L2 sequence */
  gsize bad_app = G_MAXSIZE, bad_mmap = G_MAXSIZE;
  GstMapInfo map;
  Frame *frame;

  cap->frames++;
  if (!gst_is_dmabuf_memory (mem) || meta == NULL ||
      (frame = app_pool_count_frame (cap->pool,
              inode_of (gst_dmabuf_memory_get_fd (mem)))) == NULL) {
    g_printerr ("frame %u: not in a dma-buf of ours\n", seq);
    cap->not_ours++;
    return GST_PAD_PROBE_OK;
  }
  /* gst_buffer_map() syncs the CPU's view and gives our own pointer */
  if (gst_buffer_map (buf, &map, GST_MAP_READ)) {
    if (map.data != frame->data) {
      g_printerr ("frame %u: mapped at %p, not at our %p\n", seq, map.data,
          frame->data);
      cap->map_elsewhere++;
    }
    bad_app = count_bad_bytes (frame->data, seq, meta->stride[0],
        meta->height);
    gst_buffer_unmap (buf, &map);
  }
  bad_mmap = check_through_mmap (mem, seq, meta->stride[0], meta->height);
  if (bad_app == 0 && bad_mmap == 0) {
    cap->verified++;
  } else {
    cap->bad++;
    g_printerr ("frame %u at %p: %" G_GSIZE_FORMAT " bytes wrong through our "
        "pointer, %" G_GSIZE_FORMAT " through the dma-buf's mmap\n", seq,
        frame->data, bad_app, bad_mmap);
  }
  return GST_PAD_PROBE_OK;
}

/* ---- the encoder's stream ---- */

/* On the encoder's sink pad: the sequence numbers it encodes, in order. */
static GstPadProbeReturn
record_seq (G_GNUC_UNUSED GstPad * pad, GstPadProbeInfo * info,
    gpointer user_data)
{
  guint32 seq = GST_BUFFER_OFFSET (GST_PAD_PROBE_INFO_BUFFER (info));

  g_array_append_val ((GArray *) user_data, seq);
  return GST_PAD_PROBE_OK;
}

static GstFlowReturn
collect_sample (GstAppSink * sink, gpointer user_data)
{
  GstSample *sample = gst_app_sink_pull_sample (sink);
  GstBuffer *buf = gst_sample_get_buffer (sample);
  GstMapInfo map;

  if (gst_buffer_map (buf, &map, GST_MAP_READ)) {
    g_byte_array_append ((GByteArray *) user_data, map.data, map.size);
    gst_buffer_unmap (buf, &map);
  }
  gst_sample_unref (sample);
  return GST_FLOW_OK;
}

/*
 * The reference: the same encoder (vicodec's FWHT is deterministic) fed
 * counter frames the CPU made for the same sequence numbers, in the same
 * order. Returns the stream, or NULL with a message.
 */
static GByteArray *
reference_stream (GstCaps * caps, GArray * seqs)
{
  GstElement *pipe, *in, *out;
  GByteArray *stream = g_byte_array_new ();
  GstAppSinkCallbacks callbacks = { 0 };
  GstVideoInfo info;
  GstMessage *msg;
  GError *error = NULL;
  guint i;

  gst_video_info_from_caps (&info, caps);
  pipe = gst_parse_launch ("appsrc name=in format=time ! v4l2fwhtenc ! "
      "appsink name=out sync=false", &error);
  if (pipe == NULL) {
    g_printerr ("reference encoder: %s\n", error->message);
    g_error_free (error);
    g_byte_array_unref (stream);
    return NULL;
  }
  in = gst_bin_get_by_name (GST_BIN (pipe), "in");
  out = gst_bin_get_by_name (GST_BIN (pipe), "out");
  g_object_set (in, "caps", caps, NULL);
  callbacks.new_sample = collect_sample;
  gst_app_sink_set_callbacks (GST_APP_SINK (out), &callbacks, stream, NULL);
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  for (i = 0; i < seqs->len; i++) {
    guint32 seq = g_array_index (seqs, guint32, i);
    GstBuffer *frame = gst_buffer_new_allocate (NULL, info.size, NULL);
    GstMapInfo map;

    gst_buffer_map (frame, &map, GST_MAP_WRITE);
    memset (map.data, 0, map.size);
    for (guint line = 0; line < (guint) GST_VIDEO_INFO_HEIGHT (&info); line++)
      for (gsize col = 0; col < (gsize) GST_VIDEO_INFO_PLANE_STRIDE (&info, 0);
          col++)
        map.data[line * GST_VIDEO_INFO_PLANE_STRIDE (&info, 0) + col] =
            tegra_csi_sg_counter_byte (seq, line, col);
    gst_buffer_unmap (frame, &map);
    GST_BUFFER_PTS (frame) = gst_util_uint64_scale (i, GST_SECOND *
        GST_VIDEO_INFO_FPS_D (&info), GST_VIDEO_INFO_FPS_N (&info));
    gst_app_src_push_buffer (GST_APP_SRC (in), frame);
  }
  gst_app_src_end_of_stream (GST_APP_SRC (in));
  msg = gst_bus_timed_pop_filtered (GST_ELEMENT_BUS (pipe), 300 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  if (msg == NULL || GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    g_printerr ("reference encoder: %s\n", msg ? "error" : "timed out");
    g_byte_array_unref (stream);
    stream = NULL;
  }
  if (msg)
    gst_message_unref (msg);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (in);
  gst_object_unref (out);
  gst_object_unref (pipe);
  return stream;
}

/* ---- the importers' own records (GStreamer 1.22 log records) ---- */

typedef struct
{
  gint kms_new;                 /* kmssink imported a dma-buf by PRIME */
  gint kms_found;               /* ... found the framebuffer it made before */
  gint enc_imports;             /* the encoder's raw pool imported a dma-buf */
  gint enc_copies;              /* ... copied a frame */
} Records;

static Records records;

/*
 * kmssink logs each PRIME import ("setting KMS mem") and each reuse of a
 * framebuffer it imported before ("found KMS mem") in
 * gst_kms_sink_import_dmabuf; the encoder's OUTPUT pool (named
 * "enc:pool*:sink") logs "importing dmabuf" in
 * gst_v4l2_buffer_pool_import_dmabuf and copies in
 * gst_v4l2_buffer_pool_copy_buffer.
 */
static void
watch_records (GstDebugCategory * cat, GstDebugLevel level,
    G_GNUC_UNUSED const gchar * file, const gchar * function,
    G_GNUC_UNUSED gint line, GObject * obj, GstDebugMessage * message,
    G_GNUC_UNUSED gpointer data)
{
  const gchar *name = gst_debug_category_get_name (cat);
  const gchar *text;
  gboolean enc_raw;

  if (level <= GST_LEVEL_WARNING)
    gst_debug_log_default (cat, level, file, function, line, obj, message,
        NULL);
  if (strcmp (name, "kmssink") != 0 && strcmp (name, "v4l2bufferpool") != 0)
    return;
  text = gst_debug_message_get (message);
  enc_raw = GST_IS_OBJECT (obj) && GST_OBJECT_NAME (obj) &&
      g_str_has_prefix (GST_OBJECT_NAME (obj), "enc:") &&
      g_str_has_suffix (GST_OBJECT_NAME (obj), ":sink");
  if (strcmp (function, "gst_kms_sink_import_dmabuf") == 0) {
    if (g_str_has_prefix (text, "setting KMS mem"))
      g_atomic_int_inc (&records.kms_new);
    else if (g_str_has_prefix (text, "found KMS mem"))
      g_atomic_int_inc (&records.kms_found);
  } else if (enc_raw && strcmp (function,
          "gst_v4l2_buffer_pool_import_dmabuf") == 0 &&
      strcmp (text, "importing dmabuf") == 0) {
    g_atomic_int_inc (&records.enc_imports);
  } else if (enc_raw && strcmp (function,
          "gst_v4l2_buffer_pool_copy_buffer") == 0) {
    g_atomic_int_inc (&records.enc_copies);
  }
}

/* ---- what the kernel says ---- */

/* A "name value" line of the driver's export counters; -1 when absent. */
static gint64
exports_stat (const gchar * name)
{
  gchar *text = NULL, **lines;
  gint64 value = -1;
  guint i;

  if (!g_file_get_contents (EXPORTS_STATS, &text, NULL, NULL))
    return -1;
  lines = g_strsplit (text, "\n", -1);
  for (i = 0; lines[i]; i++) {
    gchar **kv = g_strsplit (lines[i], " ", 2);

    if (kv[0] && kv[1] && strcmp (kv[0], name) == 0)
      value = g_ascii_strtoll (kv[1], NULL, 10);
    g_strfreev (kv);
  }
  g_strfreev (lines);
  g_free (text);
  return value;
}

/* VmPin of this process, in kB; -1 when absent. */
static gint64
vm_pin_kb (void)
{
  gchar *text = NULL, *at;
  gint64 kb = -1;

  if (g_file_get_contents ("/proc/self/status", &text, NULL, NULL) &&
      (at = strstr (text, "\nVmPin:")) != NULL)
    kb = g_ascii_strtoll (at + 7, NULL, 10);
  g_free (text);
  return kb;
}

/* The vkms CRC directory of crtc 0 (debugfs), or NULL. */
static gchar *
vkms_crc_dir (void)
{
  guint minor;

  for (minor = 0; minor < 64; minor++) {
    gchar *name_file = g_strdup_printf ("/sys/kernel/debug/dri/%u/name",
        minor);
    gchar *text = NULL;
    gboolean vkms = g_file_get_contents (name_file, &text, NULL, NULL) &&
        g_str_has_prefix (text, "vkms");

    g_free (text);
    g_free (name_file);
    if (vkms)
      return g_strdup_printf ("/sys/kernel/debug/dri/%u/crtc-0/crc", minor);
  }
  return NULL;
}

/* Writes @text into an existing (debugfs) file, which
 * g_file_set_contents() cannot: it writes a new file and renames it. */
static gboolean
write_in_place (const gchar * path, const gchar * text)
{
  FILE *f = fopen (path, "w");
  gboolean ok;

  if (f == NULL)
    return FALSE;
  ok = fputs (text, f) >= 0;
  return fclose (f) == 0 && ok;
}

/* The CRC of what vkms composes for the screen now: the last of a few
 * frames (DRM CRC interface, Documentation/gpu/drm-uapi.rst "Display CRC
 * Support"); 0 with *ok FALSE when it cannot be read. */
static guint32
screen_crc (const gchar * dir, gboolean * ok)
{
  gchar *control = g_build_filename (dir, "control", NULL);
  gchar *data = g_build_filename (dir, "data", NULL);
  guint32 crc = 0, frame;
  gchar entry[64];
  guint n = 0, tries = 0;
  gint fd = -1;
  gssize len;

  *ok = FALSE;
  if (write_in_place (control, "auto"))
    fd = open (data, O_RDONLY);
  /* one read() gives one entry, "0x<frame> 0x<crc>\n" and a NUL; the
   * first frames may still be the old picture */
  while (fd >= 0 && n < 8 && tries++ < 64 &&
      (len = read (fd, entry, sizeof (entry) - 1)) > 0) {
    entry[len] = '\0';
    if (sscanf (entry, "%x %x", &frame, &crc) == 2)
      n++;
  }
  if (fd >= 0)
    close (fd);
  *ok = n == 8;
  g_free (control);
  g_free (data);
  return crc;
}

/* The first video node @driver serves, or NULL. */
static gchar *
find_node (const gchar * driver)
{
  guint n;

  for (n = 0; n < 64; n++) {
    gchar *path = g_strdup_printf ("/dev/video%u", n);
    struct v4l2_capability cap = { 0 };
    gint fd = open (path, O_RDWR | O_NONBLOCK);
    gboolean found = fd >= 0 && ioctl (fd, VIDIOC_QUERYCAP, &cap) == 0 &&
        strcmp ((const gchar *) cap.driver, driver) == 0;

    if (fd >= 0)
      close (fd);
    if (found)
      return path;
    g_free (path);
  }
  return NULL;
}

/* ---- after the last frame: free everything while it is displayed ---- */

/*
 * kmssink keeps showing the last frame after end-of-stream. The program
 * frees all its frames and scribbles over fresh memory (pages a freed,
 * unpinned frame would have given back are likely to be reused), then
 * checks that the screen did not change and that the displayed dma-buf
 * still holds the frame. Returns the failures.
 */
static gint
free_while_displayed (GstElement * display, AppPool * pool, gboolean with_crc)
{
  gchar *dir = with_crc ? vkms_crc_dir () : NULL;
  gboolean crc_ok = FALSE, crc2_ok = FALSE;
  guint32 crc = 0, crc2 = 0;
  GstSample *sample = NULL;
  GstBuffer *shown;
  GstVideoMeta *meta;
  gint failures = 0;
  gsize bad, scribble = 64 << 20;
  guint8 *junk;

  g_object_get (display, "last-sample", &sample, NULL);
  if (sample == NULL || (shown = gst_sample_get_buffer (sample)) == NULL ||
      (meta = gst_buffer_get_video_meta (shown)) == NULL) {
    g_printerr ("FAIL: kmssink shows no frame after the last one\n");
    if (sample)
      gst_sample_unref (sample);
    g_free (dir);
    return 1;
  }
  if (dir)
    crc = screen_crc (dir, &crc_ok);

  app_pool_free_frames (pool);
  junk = malloc (scribble);
  if (junk) {
    memset (junk, 0x5a, scribble);
    free (junk);
  }

  if (dir)
    crc2 = screen_crc (dir, &crc2_ok);
  bad = check_through_mmap (gst_buffer_peek_memory (shown, 0),
      GST_BUFFER_OFFSET (shown), meta->stride[0], meta->height);
  g_print ("freed every frame while frame %" G_GUINT64_FORMAT " is "
      "displayed: its dma-buf has %" G_GSIZE_FORMAT " wrong bytes", (guint64)
      GST_BUFFER_OFFSET (shown), bad);
  if (dir)
    g_print (", screen CRC 0x%08x before, 0x%08x after\n", crc, crc2);
  else
    g_print ("\n");
  if (bad != 0) {
    g_printerr ("FAIL: the displayed frame changed after free()\n");
    failures++;
  }
  if (dir && (!crc_ok || !crc2_ok || crc != crc2)) {
    g_printerr ("FAIL: vkms's CRC %s\n", crc_ok && crc2_ok ?
        "changed: the screen changed after free()" : "could not be read");
    failures++;
  }
  if (with_crc && dir == NULL) {
    g_printerr ("FAIL: no vkms CRC in debugfs\n");
    failures++;
  }
  gst_sample_unref (sample);
  g_free (dir);
  return failures;
}

/*
 * The vicodec of 6.12 sizes its coded queue from the raw one whatever
 * TRY_FMT asks, and GStreamer 1.22's v4l2fwhtenc then fails below 1280x720
 * (tests/zerocopy/zerocopy.c encoder_frame_size() tells the story).
 */
static void
encoder_frame_size (gint * w, gint * h)
{
  struct v4l2_format fmt = {.type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
  gchar *path = find_node ("vicodec");
  gint fd = path ? open (path, O_RDWR | O_NONBLOCK) : -1;

  g_free (path);
  if (fd < 0)
    return;
  fmt.fmt.pix.width = 640;
  fmt.fmt.pix.height = 480;
  fmt.fmt.pix.pixelformat = V4L2_PIX_FMT_FWHT;
  if (ioctl (fd, VIDIOC_TRY_FMT, &fmt) == 0 &&
      fmt.fmt.pix.pixelformat == V4L2_PIX_FMT_FWHT &&
      fmt.fmt.pix.width != 640) {
    *w = 1280;
    *h = 720;
  }
  close (fd);
}

int
main (int argc, char **argv)
{
  gchar *device = NULL;
  gint frames = 24, width = 640, height = 480, buffers = 4;
  gboolean plain_malloc = FALSE, no_encoder = FALSE, ok;
  GOptionEntry entries[] = {
    {"device", 'd', 0, G_OPTION_ARG_FILENAME, &device, "Capture node (the "
          "first tegra-csi-sg node)", "PATH"},
    {"frames", 'n', 0, G_OPTION_ARG_INT, &frames, "Frames to capture (24)",
        "N"},
    {"buffers", 'b', 0, G_OPTION_ARG_INT, &buffers, "capture-buffers (4)",
        "N"},
    {"malloc", 0, 0, G_OPTION_ARG_NONE, &plain_malloc, "Allocate frames with "
          "plain malloc() (not page-aligned) instead of posix_memalign(); "
          "implies --no-encoder", NULL},
    {"no-encoder", 0, 0, G_OPTION_ARG_NONE, &no_encoder, "Display only, no "
          "encoder branch", NULL},
    {NULL}
  };
  GOptionContext *ctx = g_option_context_new ("- capture into the "
      "application's memory, display and encode it as dma-bufs");
  GError *error = NULL;
  GstElement *pipeline, *src, *display, *enc = NULL, *stream_sink = NULL;
  GstAllocator *allocator;
  GstStructure *stats = NULL;
  GstCaps *raw_caps = NULL;
  GstMessage *msg;
  GstPad *pad;
  Capture cap = { 0 };
  GArray *seqs = g_array_new (FALSE, FALSE, sizeof (guint32));
  GByteArray *stream = g_byte_array_new (), *reference = NULL;
  GstAppSinkCallbacks callbacks = { 0 };
  guint64 captured = 0, dropped = 0, copied = 0;
  gint64 pinned0, pin0, pinned_live, pin_live, pinned_end, pin_end;
  gint failures = 0;
  guint i, used = 0;
  gchar *desc;

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
    g_printerr ("%s\n", error->message);
    return 2;
  }
  g_option_context_free (ctx);
  /* Frames are freed while the display still shows one: free() must unmap
   * them (glibc serves blocks above the threshold by mmap, and would raise
   * the threshold after the first such free, serving later frames from
   * the heap, whose pages malloc() reuses). */
  mallopt (M_MMAP_THRESHOLD, 128 * 1024);
  /* vicodec reads a dma-buf from byte 0 (GStreamer 1.22 cannot pass a
   * data offset on a single-planar queue): malloc()'s frames start 16
   * bytes into their page, so they go to the display only */
  no_encoder = no_encoder || plain_malloc;
  if (device == NULL)
    device = find_node ("tegra-csi-sg");
  if (device == NULL) {
    g_printerr ("no tegra-csi-sg capture node\n");
    return 1;
  }
  if (!no_encoder)
    encoder_frame_size (&width, &height);

  gst_debug_remove_log_function (gst_debug_log_default);
  gst_debug_add_log_function (watch_records, NULL, NULL);
  gst_debug_set_threshold_for_name ("kmssink", GST_LEVEL_LOG);
  gst_debug_set_threshold_for_name ("v4l2bufferpool", GST_LEVEL_LOG);

  /* the allocator: the plugin registers it when it loads */
  if (!gst_plugin_load_by_name ("tegracsi") ||
      (allocator = gst_allocator_find ("tegracsi-app")) == NULL) {
    g_printerr ("the tegracsi plugin or its \"tegracsi-app\" allocator is "
        "missing\n");
    return 1;
  }
  g_object_set (allocator, "device", device, NULL);
  cap.pool = app_pool_new (allocator, plain_malloc);
  gst_object_unref (allocator);

  desc = g_strdup_printf ("tegracsisrc name=src device=%s "
      "io-mode=dmabuf-import capture-buffers=%d num-buffers=%d "
      "extra-controls=\"c,test_pattern=%d\" "
      "! video/x-raw,format=BGRx,width=%d,height=%d,framerate=30/1 "
      "! tee name=t "
      "t. ! queue ! kmssink name=display driver-name=vkms can-scale=false "
      "force-modesetting=true sync=false show-preroll-frame=false %s",
      device, buffers, frames, TEGRA_CSI_SG_PATTERN_COUNTER, width, height,
      no_encoder ? "" : "t. ! queue ! v4l2fwhtenc name=enc "
      "output-io-mode=dmabuf-import ! appsink name=stream sync=false");
  pipeline = gst_parse_launch (desc, &error);
  g_free (desc);
  if (pipeline == NULL) {
    g_printerr ("pipeline: %s\n", error->message);
    return 1;
  }
  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  display = gst_bin_get_by_name (GST_BIN (pipeline), "display");

  pad = gst_element_get_static_pad (src, "src");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_QUERY_DOWNSTREAM, offer_pool,
      gst_object_ref (cap.pool), gst_object_unref);
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, check_frame, &cap, NULL);
  gst_object_unref (pad);
  if (!no_encoder) {
    enc = gst_bin_get_by_name (GST_BIN (pipeline), "enc");
    stream_sink = gst_bin_get_by_name (GST_BIN (pipeline), "stream");
    pad = gst_element_get_static_pad (enc, "sink");
    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, record_seq, seqs,
        NULL);
    gst_object_unref (pad);
    callbacks.new_sample = collect_sample;
    gst_app_sink_set_callbacks (GST_APP_SINK (stream_sink), &callbacks,
        stream, NULL);
  }

  pinned0 = exports_stat ("pinned_pages");
  pin0 = vm_pin_kb ();
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (GST_ELEMENT_BUS (pipeline),
      GST_CLOCK_TIME_NONE, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    gchar *debug = NULL;

    gst_message_parse_error (msg, &error, &debug);
    g_printerr ("FAIL: error from %s: %s\n", GST_OBJECT_NAME
        (GST_MESSAGE_SRC (msg)), error->message);
    g_free (debug);
    failures++;
  }
  gst_message_unref (msg);
  pinned_live = exports_stat ("pinned_pages");
  pin_live = vm_pin_kb ();

  g_object_get (src, "stats", &stats, NULL);
  gst_structure_get_uint64 (stats, "captured", &captured);
  gst_structure_get_uint64 (stats, "dropped", &dropped);
  gst_structure_get_uint64 (stats, "bytes-copied", &copied);
  gst_structure_free (stats);
  pad = gst_element_get_static_pad (src, "src");
  raw_caps = gst_pad_get_current_caps (pad);
  gst_object_unref (pad);

  if (error == NULL)
    failures += free_while_displayed (display, cap.pool, TRUE);

  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (src);
  gst_object_unref (display);
  g_clear_object (&enc);
  g_clear_object (&stream_sink);
  gst_object_unref (pipeline);
  for (i = 0; i < cap.pool->frames->len; i++)
    used += ((Frame *) g_ptr_array_index (cap.pool->frames, i))->frames > 0;
  g_print ("frames received %u of %d, verified %u, not ours %u, mapped "
      "elsewhere %u, wrong %u; frames allocated %u, used %u\n", cap.frames,
      frames, cap.verified, cap.not_ours, cap.map_elsewhere, cap.bad,
      cap.pool->frames->len, used);
  gst_object_unref (cap.pool);
  pinned_end = exports_stat ("pinned_pages");
  pin_end = vm_pin_kb ();

  g_print ("element: captured %" G_GUINT64_FORMAT ", dropped %"
      G_GUINT64_FORMAT ", bytes copied %" G_GUINT64_FORMAT "\n", captured,
      dropped, copied);
  g_print ("kmssink: %d dma-bufs imported by PRIME, %d frames found "
      "imported before\n", records.kms_new, records.kms_found);
  g_print ("pinned pages (driver): %" G_GINT64_FORMAT " before, %"
      G_GINT64_FORMAT " while captured, %" G_GINT64_FORMAT " at the end; "
      "VmPin %" G_GINT64_FORMAT " kB, %" G_GINT64_FORMAT " kB, %"
      G_GINT64_FORMAT " kB\n", pinned0, pinned_live, pinned_end, pin0,
      pin_live, pin_end);

  if (cap.frames != (guint) frames || cap.verified != cap.frames ||
      cap.not_ours || cap.map_elsewhere || copied != 0 || captured !=
      (guint64) frames) {
    g_printerr ("FAIL: frames: every one must come, in our memory, right, "
        "with no byte copied\n");
    failures++;
  }
  /* show-preroll-frame=false: each frame shown once */
  if (records.kms_new != (gint) used ||
      records.kms_new + records.kms_found != frames) {
    g_printerr ("FAIL: kmssink: expected %u PRIME imports (one per "
        "dma-buf) and %d frames in all\n", used, frames);
    failures++;
  }
  if (pinned0 != 0 || pinned_live <= 0 || pinned_end != 0 || pin_live <= pin0
      || pin_end != pin0) {
    g_printerr ("FAIL: pinned pages must be 0, then held, then 0 again; "
        "VmPin must rise, then come back\n");
    failures++;
  }
  if (!no_encoder) {
    g_print ("encoder: %d frames imported as dma-buf, %d copied; %u bytes "
        "of stream for %u frames\n", records.enc_imports, records.enc_copies,
        stream->len, seqs->len);
    if (records.enc_imports != frames || records.enc_copies != 0 ||
        seqs->len != (guint) frames) {
      g_printerr ("FAIL: the encoder must import every frame as a dma-buf "
          "and copy none\n");
      failures++;
    }
    if (raw_caps && seqs->len) {
      GArray *shifted = g_array_copy (seqs);
      GByteArray *other;

      reference = reference_stream (raw_caps, seqs);
      /* the comparison can fail: frames one sequence number off differ */
      for (i = 0; i < shifted->len; i++)
        g_array_index (shifted, guint32, i)++;
      other = reference_stream (raw_caps, shifted);
      if (other == NULL || (other->len == stream->len &&
              memcmp (other->data, stream->data, stream->len) == 0)) {
        g_printerr ("FAIL: the stream equals the encoding of the frames one "
            "sequence number later: the comparison tells nothing\n");
        failures++;
      }
      if (other)
        g_byte_array_unref (other);
      g_array_unref (shifted);
    }
    if (reference == NULL || reference->len != stream->len ||
        memcmp (reference->data, stream->data, stream->len) != 0) {
      g_printerr ("FAIL: the encoded stream differs from the CPU's encoding "
          "of the same counter frames (%u and %u bytes)\n", stream->len,
          reference ? reference->len : 0);
      failures++;
    } else {
      g_print ("encoder: the stream equals the CPU's encoding of the same "
          "frames, byte for byte\n");
    }
  }

  ok = failures == 0;
  g_print ("%s\n", !ok ? "FAILED" : no_encoder ? "every frame was DMA'd "
      "into our own memory and shown without a copy" : "every frame was "
      "DMA'd into our own memory, shown and encoded without a copy");
  if (raw_caps)
    gst_caps_unref (raw_caps);
  if (reference)
    g_byte_array_unref (reference);
  g_byte_array_unref (stream);
  g_array_unref (seqs);
  g_clear_error (&error);
  g_free (device);
  return ok ? 0 : 1;
}
