/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The control interface of tcs-preload.c, the LD_PRELOAD library of the
 * tegracsisrc-preload tests: counters of per-frame costs, and answers of
 * the driver bent for fault injection.
 */
#ifndef TCS_PRELOAD_H
#define TCS_PRELOAD_H

#include <stdint.h>

enum TcsCount
{
  TCS_ALLOC,                    /* malloc, calloc, realloc, *memalign */
  TCS_QBUF,                     /* VIDIOC_QBUF */
  TCS_DQBUF,                    /* VIDIOC_DQBUF */
  TCS_DMABUF_SYNC,              /* DMA_BUF_IOCTL_SYNC */
  TCS_IOCTL_OTHER,              /* any other ioctl */
  TCS_POLL,                     /* poll, ppoll */
  TCS_MMAP,
  TCS_MUNMAP,
  TCS_READ_WRITE,               /* read, write */
  TCS_LOCK,                     /* the watched object's lock, taken by the
                                 * plugin (libgsttegracsi.so) */
  TCS_LOCK_OTHERS,              /* g_mutex_lock of it by others (GstBaseSrc) */
  TCS_CAPS,                     /* caps comparisons: gst_caps_is_subset,
                                 * _is_equal, _can_intersect, _intersect*,
                                 * gst_buffer_get_reference_timestamp_meta */
  TCS_N_COUNTS
};

/* Starts (clearing the counters) or stops counting. */
void tcs_preload_counting (int on);
uint64_t tcs_preload_count (enum TcsCount what);
/* Counts round trips of the lock @mutex of GstObject @object (TCS_LOCK
 * when the plugin takes it: g_mutex_lock from its code, or a GStreamer
 * call it makes that locks @object: gst_element_get_clock, _get_base_time,
 * _get_start_time, _post_message; TCS_LOCK_OTHERS for g_mutex_lock by
 * anyone else). */
void tcs_preload_watch_object (void *object, void *mutex);
/* VIDIOC_S_PARM fails with @err (if not 0), else answers @num/@den (if
 * @num is not 0). */
void tcs_preload_fault_s_parm (int err, uint32_t num, uint32_t den);
/* VIDIOC_S_FMT answers field @field (-1: as the driver says). */
void tcs_preload_fault_s_fmt_field (int field);
/* The VIDIOC_DQBUF after @after more answers an index that is not queued
 * (-1: never). */
void tcs_preload_fault_dqbuf_index (int after);
/* VIDIOC_REQBUFS and VIDIOC_CREATE_BUFS answer without
 * V4L2_BUF_CAP_SUPPORTS_ORPHANED_BUFS while @on (a driver before Linux
 * 4.20); the driver itself still orphans. */
void tcs_preload_fault_no_orphaning (int on);

#endif /* TCS_PRELOAD_H */
