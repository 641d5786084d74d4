/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * An LD_PRELOAD library for the tests of tegracsisrc-preload.c: it sits
 * between the element and libc and
 *
 *  - counts, while counting is on, the calls that cost something per
 *    frame: heap allocations (malloc, calloc, realloc, posix_memalign,
 *    aligned_alloc, memalign), ioctls by request, poll/ppoll, mmap/munmap,
 *    read/write, and lock round trips of one watched GMutex;
 *  - bends, when asked, what a driver answers (a different VIDIOC_S_PARM
 *    answer or error, another field order from VIDIOC_S_FMT, a
 *    VIDIOC_DQBUF index that is not queued, VIDIOC_REQBUFS without
 *    V4L2_BUF_CAP_SUPPORTS_ORPHANED_BUFS), to test how the element
 *    reacts to answers the drivers at hand never give. The real driver
 *    still does the work; only the answer seen by the element changes.
 *
 * The test finds the control functions with dlsym(RTLD_DEFAULT).
 * Allocation counting needs G_SLICE=always-malloc (GLib 2.74's slice
 * allocator otherwise serves small blocks from its own caches).
 */
/* mmap and mmap64 are both wrapped by name: no renaming by the headers */
#undef _FILE_OFFSET_BITS
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <glib.h>
#include <linux/dma-buf.h>
#include <linux/videodev2.h>

#include "tcs-preload.h"

extern void *__libc_malloc (size_t size);
extern void *__libc_calloc (size_t n, size_t size);
extern void *__libc_realloc (void *p, size_t size);
extern void *__libc_memalign (size_t align, size_t size);

static volatile int counting;
static uint64_t counts[TCS_N_COUNTS];
static void *watched_mutex;
static void *watched_object;

/* fault injection, set by the test, read in the ioctl wrapper */
static volatile int fault_s_parm_errno;
static volatile uint32_t fault_s_parm_num, fault_s_parm_den;
static volatile int fault_s_fmt_field = -1;
static volatile int fault_dqbuf_after = -1;
static volatile int fault_no_orphaning;
static int queued_index[VIDEO_MAX_FRAME];       /* tracked QBUF/DQBUF */

static void
count (enum TcsCount what)
{
  if (counting)
    __atomic_add_fetch (&counts[what], 1, __ATOMIC_RELAXED);
}

/* ---- the control API (dlsym by the test) ---- */

void
tcs_preload_counting (int on)
{
  if (on)
    memset (counts, 0, sizeof (counts));
  __atomic_store_n (&counting, on, __ATOMIC_SEQ_CST);
}

uint64_t
tcs_preload_count (enum TcsCount what)
{
  return __atomic_load_n (&counts[what], __ATOMIC_RELAXED);
}

void
tcs_preload_watch_object (void *object, void *mutex)
{
  watched_object = object;
  watched_mutex = mutex;
}

void
tcs_preload_fault_s_parm (int err, uint32_t num, uint32_t den)
{
  fault_s_parm_errno = err;
  fault_s_parm_num = num;
  fault_s_parm_den = den;
}

void
tcs_preload_fault_s_fmt_field (int field)
{
  fault_s_fmt_field = field;
}

void
tcs_preload_fault_dqbuf_index (int after)
{
  fault_dqbuf_after = after;
}

void
tcs_preload_fault_no_orphaning (int on)
{
  fault_no_orphaning = on;
}

/* ---- allocations ---- */

void *
malloc (size_t size)
{
  count (TCS_ALLOC);
  return __libc_malloc (size);
}

void *
calloc (size_t n, size_t size)
{
  count (TCS_ALLOC);
  return __libc_calloc (n, size);
}

void *
realloc (void *p, size_t size)
{
  count (TCS_ALLOC);
  return __libc_realloc (p, size);
}

void *
memalign (size_t align, size_t size)
{
  count (TCS_ALLOC);
  return __libc_memalign (align, size);
}

void *
aligned_alloc (size_t align, size_t size)
{
  count (TCS_ALLOC);
  return __libc_memalign (align, size);
}

int
posix_memalign (void **out, size_t align, size_t size)
{
  void *p;

  count (TCS_ALLOC);
  p = __libc_memalign (align, size);
  if (p == NULL)
    return ENOMEM;
  *out = p;
  return 0;
}

/* ---- system calls ---- */

#define REAL(ret, name, ...) \
  static ret (*real_ ## name) (__VA_ARGS__); \
  if (real_ ## name == NULL) \
    real_ ## name = dlsym (RTLD_NEXT, #name)

static void
bend_answer (unsigned long request, void *arg, int *ret)
{
  if (request == VIDIOC_S_PARM && *ret == 0) {
    struct v4l2_streamparm *parm = arg;

    if (fault_s_parm_errno) {
      errno = fault_s_parm_errno;
      *ret = -1;
    } else if (fault_s_parm_num) {
      parm->parm.capture.timeperframe.numerator = fault_s_parm_num;
      parm->parm.capture.timeperframe.denominator = fault_s_parm_den;
    }
  } else if (request == VIDIOC_S_FMT && *ret == 0 && fault_s_fmt_field >= 0) {
    struct v4l2_format *fmt = arg;

    if (fmt->type == V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE)
      fmt->fmt.pix_mp.field = fault_s_fmt_field;
    else
      fmt->fmt.pix.field = fault_s_fmt_field;
  } else if (request == VIDIOC_REQBUFS && *ret == 0 && fault_no_orphaning) {
    struct v4l2_requestbuffers *req = arg;

    req->capabilities &= ~V4L2_BUF_CAP_SUPPORTS_ORPHANED_BUFS;
  } else if (request == VIDIOC_CREATE_BUFS && *ret == 0 &&
      fault_no_orphaning) {
    struct v4l2_create_buffers *create = arg;

    create->capabilities &= ~V4L2_BUF_CAP_SUPPORTS_ORPHANED_BUFS;
  } else if (request == VIDIOC_QBUF && *ret == 0) {
    struct v4l2_buffer *b = arg;

    if (b->index < VIDEO_MAX_FRAME)
      queued_index[b->index] = 1;
  } else if (request == VIDIOC_DQBUF && *ret == 0) {
    struct v4l2_buffer *b = arg;
    int i;

    if (b->index < VIDEO_MAX_FRAME)
      queued_index[b->index] = 0;
    if (fault_dqbuf_after >= 0 && fault_dqbuf_after-- == 0) {
      /* an index that is not queued now (a buffer downstream holds, or
       * one past every buffer) */
      for (i = 0; i < VIDEO_MAX_FRAME; i++)
        if (i != (int) b->index && !queued_index[i])
          break;
      b->index = i;
    }
  }
}

int
ioctl (int fd, unsigned long request, ...)
{
  va_list ap;
  void *arg;
  int ret;

  REAL (int, ioctl, int, unsigned long, ...);
  va_start (ap, request);
  arg = va_arg (ap, void *);
  va_end (ap);

  switch (request) {
    case VIDIOC_QBUF:
      count (TCS_QBUF);
      break;
    case VIDIOC_DQBUF:
      count (TCS_DQBUF);
      break;
    case DMA_BUF_IOCTL_SYNC:
      count (TCS_DMABUF_SYNC);
      break;
    default:
      count (TCS_IOCTL_OTHER);
      break;
  }
  ret = real_ioctl (fd, request, arg);
  bend_answer (request, arg, &ret);
  return ret;
}

int
poll (struct pollfd *fds, nfds_t n, int timeout)
{
  REAL (int, poll, struct pollfd *, nfds_t, int);
  count (TCS_POLL);
  return real_poll (fds, n, timeout);
}

int
ppoll (struct pollfd *fds, nfds_t n, const struct timespec *timeout,
    const sigset_t * mask)
{
  REAL (int, ppoll, struct pollfd *, nfds_t, const struct timespec *,
      const sigset_t *);
  count (TCS_POLL);
  return real_ppoll (fds, n, timeout, mask);
}

void *
mmap (void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
  REAL (void *, mmap, void *, size_t, int, int, int, off_t);
  count (TCS_MMAP);
  return real_mmap (addr, len, prot, flags, fd, off);
}

void *
mmap64 (void *addr, size_t len, int prot, int flags, int fd, off64_t off)
{
  REAL (void *, mmap64, void *, size_t, int, int, int, off64_t);
  count (TCS_MMAP);
  return real_mmap64 (addr, len, prot, flags, fd, off);
}

int
munmap (void *addr, size_t len)
{
  REAL (int, munmap, void *, size_t);
  count (TCS_MUNMAP);
  return real_munmap (addr, len);
}

ssize_t
read (int fd, void *buf, size_t n)
{
  REAL (ssize_t, read, int, void *, size_t);
  count (TCS_READ_WRITE);
  return real_read (fd, buf, n);
}

ssize_t
write (int fd, const void *buf, size_t n)
{
  REAL (ssize_t, write, int, const void *, size_t);
  count (TCS_READ_WRITE);
  return real_write (fd, buf, n);
}

/* ---- locks ---- */

/* Whether @addr is code of the plugin under test. */
static int
in_plugin (void *addr)
{
  Dl_info info;

  return dladdr (addr, &info) && info.dli_fname &&
      strstr (info.dli_fname, "libgsttegracsi") != NULL;
}

void
g_mutex_lock (GMutex * mutex)
{
  REAL (void, g_mutex_lock, GMutex *);
  if (counting && mutex == watched_mutex)
    count (in_plugin (__builtin_return_address (0)) ? TCS_LOCK :
        TCS_LOCK_OTHERS);
  real_g_mutex_lock (mutex);
}

/* GStreamer functions that take the object lock of the element passed:
 * a round trip of the element's lock when the plugin calls them for it. */
#define LOCKS_1(ret, name, type) \
  ret name (type obj); \
  ret name (type obj) \
  { \
    REAL (ret, name, type); \
    if (counting && obj == watched_object && \
        in_plugin (__builtin_return_address (0))) \
      count (TCS_LOCK); \
    return real_ ## name (obj); \
  }

LOCKS_1 (void *, gst_element_get_clock, void *)
LOCKS_1 (uint64_t, gst_element_get_base_time, void *)
LOCKS_1 (uint64_t, gst_element_get_start_time, void *)

int gst_element_post_message (void *element, void *message);
int
gst_element_post_message (void *element, void *message)
{
  REAL (int, gst_element_post_message, void *, void *);
  if (counting && element == watched_object &&
      in_plugin (__builtin_return_address (0)))
    count (TCS_LOCK);
  return real_gst_element_post_message (element, message);
}

/* ---- caps comparisons (through the PLT: calls between GStreamer's own
 * functions are bound inside libgstreamer and not seen) ---- */

#define CAPS_2(name) \
  int name (const void *a, const void *b); \
  int name (const void *a, const void *b) \
  { \
    REAL (int, name, const void *, const void *); \
    count (TCS_CAPS); \
    return real_ ## name (a, b); \
  }

CAPS_2 (gst_caps_is_subset)
CAPS_2 (gst_caps_is_equal)
CAPS_2 (gst_caps_is_strictly_equal)
CAPS_2 (gst_caps_can_intersect)
CAPS_2 (gst_caps_is_always_compatible)

void *gst_caps_intersect_full (void *a, void *b, int mode);
void *
gst_caps_intersect_full (void *a, void *b, int mode)
{
  REAL (void *, gst_caps_intersect_full, void *, void *, int);
  count (TCS_CAPS);
  return real_gst_caps_intersect_full (a, b, mode);
}

void *gst_buffer_get_reference_timestamp_meta (void *buffer, void *caps);
void *
gst_buffer_get_reference_timestamp_meta (void *buffer, void *caps)
{
  REAL (void *, gst_buffer_get_reference_timestamp_meta, void *, void *);
  count (TCS_CAPS);
  return real_gst_buffer_get_reference_timestamp_meta (buffer, caps);
}
