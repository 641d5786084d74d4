// SPDX-License-Identifier: GPL-2.0-only
/*
 * tegra-csi-sg: the capture video nodes and their vb2 queues.
 *
 * Buffers userspace queues wait on &tcs_channel.queued. While streaming the
 * backend takes them one at a time (tcs_capture_next_buffer(): they move to
 * &tcs_channel.active), programs them from a context that may sleep, and
 * reports each with tcs_capture_buffer_done() from thread context. The
 * nodes use the single-planar API, or the multi-planar one when the
 * backend asks for it (&tcs_channel_caps.mplane); the format is kept in
 * multi-planar form either way.
 */

#include <linux/log2.h>
#include <linux/slab.h>
#include <linux/tegra-csi-sg.h>
#include <media/v4l2-event.h>
#include <media/v4l2-ioctl.h>

#include "tcs.h"
#include "tcs-compat.h"

/**
 * tcs_capture_next_buffer() - take the next buffer to program
 * @chan: the channel.
 *
 * Hands the oldest buffer userspace queued to the backend, which owns it
 * until it reports it done or gives it back. Any context.
 *
 * Return: the buffer, or NULL when none is queued, while the hand-out is
 * paused, and once streaming is stopping.
 */
struct tcs_buffer *tcs_capture_next_buffer(struct tcs_channel *chan)
{
	struct tcs_buffer *buf = NULL;
	unsigned long flags;
	unsigned int p;

	spin_lock_irqsave(&chan->lock, flags);
	if (chan->streaming && !chan->paused && !list_empty(&chan->queued)) {
		buf = list_first_entry(&chan->queued, struct tcs_buffer, list);
		list_move_tail(&buf->list, &chan->active);
	}
	spin_unlock_irqrestore(&chan->lock, flags);

	if (buf)
		for (p = 0; p < buf->num_planes; p++)
			atomic64_add(buf->dma[p].nsegs,
				     &chan->stats.descriptors_written);
	return buf;
}
EXPORT_SYMBOL_GPL(tcs_capture_next_buffer);

/**
 * tcs_capture_return_buffer() - give back a buffer that was never programmed
 * @chan: the channel.
 * @buf: a buffer from tcs_capture_next_buffer() that the engine has not
 *	written and will not write.
 *
 * It goes back to the head of the queue and is the next one handed out, so
 * that the order userspace queued buffers in is kept (a reset). Any context.
 */
void tcs_capture_return_buffer(struct tcs_channel *chan,
			       struct tcs_buffer *buf)
{
	unsigned long flags;

	spin_lock_irqsave(&chan->lock, flags);
	list_move(&buf->list, &chan->queued);
	spin_unlock_irqrestore(&chan->lock, flags);
	atomic64_inc(&chan->stats.buffers_returned);
}
EXPORT_SYMBOL_GPL(tcs_capture_return_buffer);

/**
 * tcs_capture_buffer_done() - the engine finished with a buffer
 * @chan: the channel.
 * @buf: a buffer from tcs_capture_next_buffer().
 * @sequence: the frame's sequence number.
 * @timestamp_ns: CLOCK_MONOTONIC time the engine stamped the frame.
 * @state: VB2_BUF_STATE_DONE or VB2_BUF_STATE_ERROR.
 *
 * Sets every plane's payload to the format's size and returns the buffer
 * to vb2, whose finish does the CPU cache maintenance of the whole buffer.
 * Thread context only (it may sleep); never after &tcs_backend_ops.stop
 * returned.
 */
void tcs_capture_buffer_done(struct tcs_channel *chan, struct tcs_buffer *buf,
			     u32 sequence, u64 timestamp_ns,
			     enum vb2_buffer_state state)
{
	unsigned long flags;
	unsigned int p;

	might_sleep();
	buf->vb.sequence = sequence;
	buf->vb.field = V4L2_FIELD_NONE;
	buf->vb.vb2_buf.timestamp = timestamp_ns;
	for (p = 0; p < buf->vb.vb2_buf.num_planes; p++)
		vb2_set_plane_payload(&buf->vb.vb2_buf, p,
				      chan->fmt.plane_fmt[p].sizeimage);

	spin_lock_irqsave(&chan->lock, flags);
	list_del(&buf->list);
	spin_unlock_irqrestore(&chan->lock, flags);

	vb2_buffer_done(&buf->vb.vb2_buf, state);
}
EXPORT_SYMBOL_GPL(tcs_capture_buffer_done);

/**
 * tcs_capture_pause() - stop handing out buffers (an engine reset)
 * @chan: the channel.
 *
 * Until tcs_capture_resume(), tcs_capture_next_buffer() returns NULL.
 * Buffers the backend holds stay its own. Any context.
 */
void tcs_capture_pause(struct tcs_channel *chan)
{
	unsigned long flags;

	spin_lock_irqsave(&chan->lock, flags);
	chan->paused = true;
	spin_unlock_irqrestore(&chan->lock, flags);
}
EXPORT_SYMBOL_GPL(tcs_capture_pause);

/**
 * tcs_capture_resume() - hand out buffers again after tcs_capture_pause()
 * @chan: the channel.
 *
 * Any context.
 */
void tcs_capture_resume(struct tcs_channel *chan)
{
	unsigned long flags;

	spin_lock_irqsave(&chan->lock, flags);
	chan->paused = false;
	spin_unlock_irqrestore(&chan->lock, flags);
}
EXPORT_SYMBOL_GPL(tcs_capture_resume);

/**
 * tcs_capture_queue_error() - the engine cannot go on
 * @chan: the channel.
 *
 * Marks the queue in error: poll() reports EPOLLERR and QBUF/DQBUF fail
 * with EIO until streaming is stopped. Buffers are returned at STREAMOFF.
 * Any context.
 */
void tcs_capture_queue_error(struct tcs_channel *chan)
{
	vb2_queue_error(&chan->queue);
}
EXPORT_SYMBOL_GPL(tcs_capture_queue_error);

/* Returns every buffer on both lists to vb2 in @state. */
static void tcs_capture_return_all(struct tcs_channel *chan,
				   enum vb2_buffer_state state)
{
	struct tcs_buffer *buf, *tmp;
	unsigned long flags;
	LIST_HEAD(list);

	spin_lock_irqsave(&chan->lock, flags);
	list_splice_init(&chan->active, &list);
	list_splice_tail_init(&chan->queued, &list);
	spin_unlock_irqrestore(&chan->lock, flags);

	list_for_each_entry_safe(buf, tmp, &list, list) {
		list_del(&buf->list);
		vb2_buffer_done(&buf->vb.vb2_buf, state);
	}
}

/* vb2 queue operations */

static int tcs_queue_setup(struct vb2_queue *q, unsigned int *nbuffers,
			   unsigned int *nplanes, unsigned int sizes[],
			   struct device *alloc_devs[])
{
	struct tcs_channel *chan = vb2_get_drv_priv(q);
	const struct v4l2_pix_format_mplane *fmt = &chan->fmt;
	unsigned int p;

	/* CREATE_BUFS: at least the current frame, at most the largest one. */
	if (*nplanes) {
		if (*nplanes != fmt->num_planes)
			return -EINVAL;
		for (p = 0; p < fmt->num_planes; p++)
			if (sizes[p] < fmt->plane_fmt[p].sizeimage ||
			    sizes[p] > TCS_MAX_SIZEIMAGE)
				return -EINVAL;
		return 0;
	}

	*nplanes = fmt->num_planes;
	for (p = 0; p < fmt->num_planes; p++)
		sizes[p] = fmt->plane_fmt[p].sizeimage;
	return 0;
}

static int tcs_buf_init(struct vb2_buffer *vb)
{
	struct tcs_channel *chan = vb2_get_drv_priv(vb->vb2_queue);

	return tcs_dma_buf_init(chan, to_tcs_buffer(vb));
}

static void tcs_buf_cleanup(struct vb2_buffer *vb)
{
	struct tcs_channel *chan = vb2_get_drv_priv(vb->vb2_queue);

	tcs_dma_buf_cleanup(chan, to_tcs_buffer(vb));
}

static int tcs_buf_prepare(struct vb2_buffer *vb)
{
	struct tcs_channel *chan = vb2_get_drv_priv(vb->vb2_queue);
	struct tcs_buffer *buf = to_tcs_buffer(vb);
	unsigned int p;

	if (buf->num_planes != chan->fmt.num_planes)
		return -EINVAL;
	for (p = 0; p < chan->fmt.num_planes; p++) {
		unsigned long size = chan->fmt.plane_fmt[p].sizeimage;

		if (vb2_plane_size(vb, p) < size || buf->dma[p].size < size) {
			dev_dbg(chan->tcs->dev,
				"ch%u: plane %u of %lu bytes, need %lu\n",
				chan->id, p, vb2_plane_size(vb, p), size);
			return -EINVAL;
		}
		vb2_set_plane_payload(vb, p, size);
	}
	return 0;
}

static void tcs_buf_queue(struct vb2_buffer *vb)
{
	struct tcs_channel *chan = vb2_get_drv_priv(vb->vb2_queue);
	const struct tcs_backend_ops *ops = chan->tcs->backend->ops;
	struct tcs_buffer *buf = to_tcs_buffer(vb);
	unsigned long flags;
	bool streaming;

	spin_lock_irqsave(&chan->lock, flags);
	list_add_tail(&buf->list, &chan->queued);
	streaming = chan->streaming;
	spin_unlock_irqrestore(&chan->lock, flags);

	if (streaming && ops->buffer_queued)
		ops->buffer_queued(chan);
}

static int tcs_start_streaming(struct vb2_queue *q, unsigned int count)
{
	struct tcs_channel *chan = vb2_get_drv_priv(q);
	const struct tcs_backend_ops *ops = chan->tcs->backend->ops;
	unsigned long flags;
	int ret;

	spin_lock_irqsave(&chan->lock, flags);
	chan->streaming = true;
	chan->paused = false;
	spin_unlock_irqrestore(&chan->lock, flags);

	ret = ops->start(chan);
	if (ret)
		goto err_stop;
	return 0;

err_stop:
	spin_lock_irqsave(&chan->lock, flags);
	chan->streaming = false;
	spin_unlock_irqrestore(&chan->lock, flags);
	tcs_capture_return_all(chan, VB2_BUF_STATE_QUEUED);
	return ret;
}

static void tcs_stop_streaming(struct vb2_queue *q)
{
	struct tcs_channel *chan = vb2_get_drv_priv(q);
	unsigned long flags;

	/* No more buffers for the backend, then stop it. */
	spin_lock_irqsave(&chan->lock, flags);
	chan->streaming = false;
	spin_unlock_irqrestore(&chan->lock, flags);

	chan->tcs->backend->ops->stop(chan);

	tcs_capture_return_all(chan, VB2_BUF_STATE_ERROR);
}

static const struct vb2_ops tcs_vb2_ops = {
	.queue_setup = tcs_queue_setup,
	.buf_init = tcs_buf_init,
	.buf_cleanup = tcs_buf_cleanup,
	.buf_prepare = tcs_buf_prepare,
	.buf_queue = tcs_buf_queue,
	.start_streaming = tcs_start_streaming,
	.stop_streaming = tcs_stop_streaming,
	TCS_VB2_WAIT_OPS
};

/* ioctls */

static int tcs_querycap(struct file *file, void *fh,
			struct v4l2_capability *cap)
{
	struct tcs_channel *chan = video_drvdata(file);

	strscpy(cap->driver, TCS_DRIVER_NAME, sizeof(cap->driver));
	snprintf(cap->card, sizeof(cap->card), "Tegra CSI channel %u (%s)",
		 chan->id, chan->tcs->backend->name);
	snprintf(cap->bus_info, sizeof(cap->bus_info), "platform:%s",
		 dev_name(chan->tcs->dev));
	return 0;
}

static int tcs_enum_fmt(struct file *file, void *fh, struct v4l2_fmtdesc *f)
{
	struct tcs_channel *chan = video_drvdata(file);
	unsigned int i, n = 0;

	/* The single-planar API offers the one-memory-plane formats only. */
	for (i = 0; i < chan->caps.num_formats; i++) {
		const struct v4l2_format_info *info =
			v4l2_format_info(chan->caps.formats[i].fourcc);

		if (!chan->caps.mplane && info->mem_planes != 1)
			continue;
		if (n++ == f->index) {
			f->pixelformat = chan->caps.formats[i].fourcc;
			return 0;
		}
	}
	return -EINVAL;
}

static int tcs_g_fmt_mp(struct file *file, void *fh, struct v4l2_format *f)
{
	struct tcs_channel *chan = video_drvdata(file);

	f->fmt.pix_mp = chan->fmt;
	return 0;
}

static int tcs_try_fmt_mp(struct file *file, void *fh, struct v4l2_format *f)
{
	struct tcs_channel *chan = video_drvdata(file);

	tcs_format_fill(chan, &f->fmt.pix_mp, NULL);
	return 0;
}

static int tcs_set_fmt(struct tcs_channel *chan,
		       struct v4l2_pix_format_mplane *pix)
{
	const struct tcs_backend_ops *ops = chan->tcs->backend->ops;
	const struct v4l2_format_info *info;
	const struct tcs_format *tfmt;
	int ret;

	/* The buffers are sized for the current format. */
	if (vb2_is_busy(&chan->queue))
		return -EBUSY;

	tfmt = tcs_format_fill(chan, pix, &info);
	if (ops->set_format) {
		ret = ops->set_format(chan, pix);
		if (ret)
			return ret;
	}
	chan->fmt = *pix;
	chan->tfmt = tfmt;
	chan->finfo = info;
	return 0;
}

static int tcs_s_fmt_mp(struct file *file, void *fh, struct v4l2_format *f)
{
	return tcs_set_fmt(video_drvdata(file), &f->fmt.pix_mp);
}

static int tcs_g_fmt(struct file *file, void *fh, struct v4l2_format *f)
{
	struct tcs_channel *chan = video_drvdata(file);

	tcs_format_to_single(&chan->fmt, &f->fmt.pix);
	return 0;
}

static int tcs_try_fmt(struct file *file, void *fh, struct v4l2_format *f)
{
	struct tcs_channel *chan = video_drvdata(file);
	struct v4l2_pix_format_mplane mp;

	tcs_format_from_single(&f->fmt.pix, &mp);
	tcs_format_fill(chan, &mp, NULL);
	tcs_format_to_single(&mp, &f->fmt.pix);
	return 0;
}

static int tcs_s_fmt(struct file *file, void *fh, struct v4l2_format *f)
{
	struct tcs_channel *chan = video_drvdata(file);
	struct v4l2_pix_format_mplane mp;
	int ret;

	tcs_format_from_single(&f->fmt.pix, &mp);
	ret = tcs_set_fmt(chan, &mp);
	if (!ret)
		tcs_format_to_single(&mp, &f->fmt.pix);
	return ret;
}

static int tcs_enum_framesizes(struct file *file, void *fh,
			       struct v4l2_frmsizeenum *fsize)
{
	return tcs_format_enum_sizes(video_drvdata(file), fsize);
}

static int tcs_enum_frameintervals(struct file *file, void *fh,
				   struct v4l2_frmivalenum *fival)
{
	return tcs_format_enum_intervals(video_drvdata(file), fival);
}

static int tcs_g_parm(struct file *file, void *fh, struct v4l2_streamparm *a)
{
	struct tcs_channel *chan = video_drvdata(file);

	if (a->type != chan->queue.type)
		return -EINVAL;
	memset(&a->parm.capture, 0, sizeof(a->parm.capture));
	a->parm.capture.capability = V4L2_CAP_TIMEPERFRAME;
	a->parm.capture.timeperframe = chan->timeperframe;
	return 0;
}

static int tcs_s_parm(struct file *file, void *fh, struct v4l2_streamparm *a)
{
	struct tcs_channel *chan = video_drvdata(file);
	struct v4l2_fract tpf;

	if (a->type != chan->queue.type)
		return -EINVAL;
	/* The sensor's frame timing is fixed while it runs. */
	if (vb2_is_streaming(&chan->queue))
		return -EBUSY;

	tpf = a->parm.capture.timeperframe;
	tcs_format_snap_interval(chan, &tpf);
	chan->timeperframe = tpf;
	return tcs_g_parm(file, fh, a);
}

static int tcs_enum_input(struct file *file, void *fh, struct v4l2_input *inp)
{
	struct tcs_channel *chan = video_drvdata(file);

	if (inp->index)
		return -EINVAL;
	inp->type = V4L2_INPUT_TYPE_CAMERA;
	snprintf(inp->name, sizeof(inp->name), "Camera %u", chan->id);
	return 0;
}

static int tcs_g_input(struct file *file, void *fh, unsigned int *i)
{
	*i = 0;
	return 0;
}

static int tcs_s_input(struct file *file, void *fh, unsigned int i)
{
	return i ? -EINVAL : 0;
}

/* The driver's private ioctls (uapi header). */
static long tcs_vidioc_default(struct file *file, void *fh, bool valid_prio,
			       unsigned int cmd, void *arg)
{
	struct tcs_channel *chan = video_drvdata(file);

	switch (cmd) {
	case VIDIOC_TEGRA_CSI_SG_EXPORT_USERPTR:
		return tcs_export_userptr(chan, arg);
	default:
		return -ENOTTY;
	}
}

#define TCS_COMMON_IOCTLS						\
	.vidioc_default = tcs_vidioc_default,				\
	.vidioc_querycap = tcs_querycap,				\
	.vidioc_enum_framesizes = tcs_enum_framesizes,			\
	.vidioc_enum_frameintervals = tcs_enum_frameintervals,		\
	.vidioc_g_parm = tcs_g_parm,					\
	.vidioc_s_parm = tcs_s_parm,					\
	.vidioc_enum_input = tcs_enum_input,				\
	.vidioc_g_input = tcs_g_input,					\
	.vidioc_s_input = tcs_s_input,					\
	.vidioc_reqbufs = vb2_ioctl_reqbufs,				\
	.vidioc_create_bufs = vb2_ioctl_create_bufs,			\
	.vidioc_prepare_buf = vb2_ioctl_prepare_buf,			\
	.vidioc_querybuf = vb2_ioctl_querybuf,				\
	.vidioc_qbuf = vb2_ioctl_qbuf,					\
	.vidioc_dqbuf = vb2_ioctl_dqbuf,				\
	.vidioc_expbuf = vb2_ioctl_expbuf,				\
	.vidioc_streamon = vb2_ioctl_streamon,				\
	.vidioc_streamoff = vb2_ioctl_streamoff,			\
	.vidioc_log_status = v4l2_ctrl_log_status,			\
	.vidioc_subscribe_event = v4l2_ctrl_subscribe_event,		\
	.vidioc_unsubscribe_event = v4l2_event_unsubscribe

static const struct v4l2_ioctl_ops tcs_ioctl_ops = {
	.vidioc_enum_fmt_vid_cap = tcs_enum_fmt,
	.vidioc_g_fmt_vid_cap = tcs_g_fmt,
	.vidioc_try_fmt_vid_cap = tcs_try_fmt,
	.vidioc_s_fmt_vid_cap = tcs_s_fmt,
	TCS_COMMON_IOCTLS,
};

static const struct v4l2_ioctl_ops tcs_ioctl_ops_mplane = {
	.vidioc_enum_fmt_vid_cap = tcs_enum_fmt,
	.vidioc_g_fmt_vid_cap_mplane = tcs_g_fmt_mp,
	.vidioc_try_fmt_vid_cap_mplane = tcs_try_fmt_mp,
	.vidioc_s_fmt_vid_cap_mplane = tcs_s_fmt_mp,
	TCS_COMMON_IOCTLS,
};

static const struct v4l2_file_operations tcs_fops = {
	.owner = THIS_MODULE,
	.open = v4l2_fh_open,
	.release = vb2_fop_release,
	.unlocked_ioctl = video_ioctl2,
	.poll = vb2_fop_poll,
	.mmap = vb2_fop_mmap,
};

/*
 * The largest start alignment the DMA alignment control can report; a
 * backend needing more is refused by tcs_dma_check_constraints().
 */
#define TCS_DMA_ALIGN_MAX	4096

/**
 * tcs_capture_ctrls_init() - add the controls every backend has
 * @chan: the channel; &tcs_channel.ctrl_handler is initialised and the
 *	constraints are checked.
 *
 * TEGRA_CSI_SG_CID_DMA_ALIGN: the start alignment of
 * &tcs_dma_constraints, read-only, so that applications can check their
 * USERPTR buffers before QBUF refuses them with EINVAL (tcs-dma.c).
 *
 * Return: 0 or the handler's error.
 */
int tcs_capture_ctrls_init(struct tcs_channel *chan)
{
	struct v4l2_ctrl_handler *hdl = &chan->ctrl_handler;
	unsigned int align = max(chan->tcs->dma.start_align, 1U);
	struct v4l2_ctrl_config cfg = {
		.id = TEGRA_CSI_SG_CID_DMA_ALIGN,
		.name = "DMA Start Alignment",
		.type = V4L2_CTRL_TYPE_INTEGER,
		.min = 1,
		.max = TCS_DMA_ALIGN_MAX,
		.step = 1,
		.def = align,
		.flags = V4L2_CTRL_FLAG_READ_ONLY,
	};

	v4l2_ctrl_new_custom(hdl, &cfg, NULL);
	return hdl->error;
}

/**
 * tcs_capture_register() - set up and register a channel's video node
 * @chan: the channel; its controls and caps are set up.
 *
 * Return: 0 or a negative error code.
 */
int tcs_capture_register(struct tcs_channel *chan)
{
	struct tcs_device *tcs = chan->tcs;
	struct video_device *vdev = &chan->vdev;
	struct vb2_queue *q = &chan->queue;
	bool mplane = chan->caps.mplane;
	int ret;

	memset(&chan->fmt, 0, sizeof(chan->fmt));
	chan->fmt.pixelformat = chan->caps.formats[0].fourcc;
	chan->fmt.width = chan->caps.def_width;
	chan->fmt.height = chan->caps.def_height;
	chan->tfmt = tcs_format_fill(chan, &chan->fmt, &chan->finfo);
	chan->timeperframe = chan->caps.intervals[chan->caps.def_interval];

	q->type = mplane ? V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE :
			   V4L2_BUF_TYPE_VIDEO_CAPTURE;
	q->io_modes = VB2_MMAP | VB2_DMABUF;
	if (tcs->dma.mode != TCS_DMA_CONTIG || tcs->dma.contig_userptr)
		q->io_modes |= VB2_USERPTR;
	q->drv_priv = chan;
	q->buf_struct_size = sizeof(struct tcs_buffer);
	q->ops = &tcs_vb2_ops;
	q->mem_ops = &tcs_mem_ops;
	q->timestamp_flags = V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC |
			     tcs->backend->timestamp_src;
	q->lock = &chan->vlock;
	q->dev = tcs->dma.dma_dev;
	q->gfp_flags = tcs_mem_gfp_zone(tcs->dma.dma_dev);
	tcs_vb2_set_min_queued(q, 0);
	ret = vb2_queue_init(q);
	if (ret)
		return ret;

	chan->pad.flags = MEDIA_PAD_FL_SINK;
	ret = media_entity_pads_init(&vdev->entity, 1, &chan->pad);
	if (ret)
		return ret;

	/* "tegra-csi-sg ch0"; a second instance's "tegra-csi-sg.1 ch0" */
	if (tcs->instance)
		snprintf(vdev->name, sizeof(vdev->name), "%s.%d ch%u",
			 TCS_DRIVER_NAME, tcs->instance, chan->id);
	else
		snprintf(vdev->name, sizeof(vdev->name), "%s ch%u",
			 TCS_DRIVER_NAME, chan->id);
	vdev->fops = &tcs_fops;
	vdev->ioctl_ops = mplane ? &tcs_ioctl_ops_mplane : &tcs_ioctl_ops;
	vdev->v4l2_dev = &tcs->v4l2_dev;
	vdev->queue = q;
	vdev->lock = &chan->vlock;
	vdev->ctrl_handler = &chan->ctrl_handler;
	vdev->release = video_device_release_empty;
	vdev->vfl_dir = VFL_DIR_RX;
	vdev->device_caps = V4L2_CAP_STREAMING |
			    (mplane ? V4L2_CAP_VIDEO_CAPTURE_MPLANE :
				      V4L2_CAP_VIDEO_CAPTURE);
	vdev->entity.function = MEDIA_ENT_F_IO_V4L;
	video_set_drvdata(vdev, chan);

	ret = video_register_device(vdev, VFL_TYPE_VIDEO, -1);
	if (ret) {
		media_entity_cleanup(&vdev->entity);
		return ret;
	}
	chan->registered = true;
	return 0;
}

/**
 * tcs_capture_unregister() - unregister a channel's video node
 * @chan: the channel.
 *
 * Stops streaming and frees the buffers of whoever owns the queue; open
 * file handles then get ENODEV until they are closed.
 */
void tcs_capture_unregister(struct tcs_channel *chan)
{
	if (!chan->registered)
		return;
	vb2_video_unregister_device(&chan->vdev);
	media_entity_cleanup(&chan->vdev.entity);
	chan->registered = false;
}
