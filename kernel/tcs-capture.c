// SPDX-License-Identifier: GPL-2.0-only
/*
 * tegra-csi-sg: the capture video nodes and their vb2 queues.
 *
 * Buffers userspace queues wait on &tcs_channel.queued; while streaming, the
 * core keeps the engine's hardware queue (&tcs_backend.hw_queue_depth deep)
 * filled from that list, and the engine returns each buffer through
 * tcs_capture_frame_done().
 */

#include <linux/log2.h>
#include <linux/slab.h>
#include <linux/tegra-csi-sg.h>
#include <media/v4l2-event.h>
#include <media/v4l2-ioctl.h>

#include "tcs.h"
#include "tcs-compat.h"

/* Must be called with chan->lock held. */
static void tcs_capture_feed(struct tcs_channel *chan)
{
	const struct tcs_backend *be = chan->tcs->backend;
	struct tcs_buffer *buf;

	lockdep_assert_held(&chan->lock);

	while (chan->streaming && chan->in_hw < be->hw_queue_depth &&
	       !list_empty(&chan->queued)) {
		buf = list_first_entry(&chan->queued, struct tcs_buffer, list);
		list_move_tail(&buf->list, &chan->active);
		chan->in_hw++;
		atomic64_add(buf->dma.nsegs, &chan->stats.descriptors_written);
		be->ops->queue_buffer(chan, buf);
	}
}

/**
 * tcs_capture_frame_done() - the engine finished with a buffer
 * @chan: the channel.
 * @buf: a buffer the engine was given with &tcs_backend_ops.queue_buffer.
 * @sequence: the frame's sequence number.
 * @timestamp_ns: CLOCK_MONOTONIC time the engine stamped the frame.
 * @state: VB2_BUF_STATE_DONE or VB2_BUF_STATE_ERROR.
 *
 * The frame-done callback of the backend interface. May be called in atomic
 * context; must not be called after &tcs_backend_ops.stop returned.
 */
void tcs_capture_frame_done(struct tcs_channel *chan, struct tcs_buffer *buf,
			    u32 sequence, u64 timestamp_ns,
			    enum vb2_buffer_state state)
{
	unsigned long flags;

	buf->vb.sequence = sequence;
	buf->vb.field = V4L2_FIELD_NONE;
	buf->vb.vb2_buf.timestamp = timestamp_ns;
	vb2_set_plane_payload(&buf->vb.vb2_buf, 0, chan->fmt.sizeimage);

	spin_lock_irqsave(&chan->lock, flags);
	list_del(&buf->list);
	chan->in_hw--;
	tcs_capture_feed(chan);
	spin_unlock_irqrestore(&chan->lock, flags);

	vb2_buffer_done(&buf->vb.vb2_buf, state);
}

/**
 * tcs_capture_queue_error() - the engine cannot go on
 * @chan: the channel.
 *
 * Marks the queue in error: poll() reports EPOLLERR and QBUF/DQBUF fail
 * with EIO until streaming is stopped. Buffers are returned at STREAMOFF.
 */
void tcs_capture_queue_error(struct tcs_channel *chan)
{
	vb2_queue_error(&chan->queue);
}

static void tcs_capture_return_all(struct tcs_channel *chan,
				   enum vb2_buffer_state state)
{
	struct tcs_buffer *buf, *tmp;
	unsigned long flags;
	LIST_HEAD(list);

	spin_lock_irqsave(&chan->lock, flags);
	list_splice_init(&chan->active, &list);
	list_splice_tail_init(&chan->queued, &list);
	chan->in_hw = 0;
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
	unsigned int size = chan->fmt.sizeimage;

	/* CREATE_BUFS: at least the current frame, at most the largest one. */
	if (*nplanes)
		return *nplanes != 1 || sizes[0] < size ||
		       sizes[0] > TCS_MAX_SIZEIMAGE ? -EINVAL : 0;

	*nplanes = 1;
	sizes[0] = size;
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
	unsigned long size = chan->fmt.sizeimage;

	if (vb2_plane_size(vb, 0) < size) {
		dev_dbg(chan->tcs->dev, "ch%u: plane of %lu bytes, need %lu\n",
			chan->id, vb2_plane_size(vb, 0), size);
		return -EINVAL;
	}
	if (!buf->dma.valid)
		return -EINVAL;

	vb2_set_plane_payload(vb, 0, size);
	return 0;
}

static void tcs_buf_queue(struct vb2_buffer *vb)
{
	struct tcs_channel *chan = vb2_get_drv_priv(vb->vb2_queue);
	struct tcs_buffer *buf = to_tcs_buffer(vb);
	unsigned long flags;

	spin_lock_irqsave(&chan->lock, flags);
	list_add_tail(&buf->list, &chan->queued);
	tcs_capture_feed(chan);
	spin_unlock_irqrestore(&chan->lock, flags);
}

static int tcs_start_streaming(struct vb2_queue *q, unsigned int count)
{
	struct tcs_channel *chan = vb2_get_drv_priv(q);
	const struct tcs_backend_ops *ops = chan->tcs->backend->ops;
	unsigned long flags;
	int ret;

	/* Program the engine's queue ahead, then start. */
	spin_lock_irqsave(&chan->lock, flags);
	chan->streaming = true;
	tcs_capture_feed(chan);
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

	/* After stop() the engine completes nothing more. */
	chan->tcs->backend->ops->stop(chan);

	spin_lock_irqsave(&chan->lock, flags);
	chan->streaming = false;
	spin_unlock_irqrestore(&chan->lock, flags);

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
	if (f->index >= tcs_num_formats)
		return -EINVAL;
	f->pixelformat = tcs_formats[f->index].fourcc;
	return 0;
}

static int tcs_g_fmt(struct file *file, void *fh, struct v4l2_format *f)
{
	struct tcs_channel *chan = video_drvdata(file);

	f->fmt.pix = chan->fmt;
	return 0;
}

static int tcs_try_fmt(struct file *file, void *fh, struct v4l2_format *f)
{
	tcs_format_fill(&f->fmt.pix, NULL);
	return 0;
}

static int tcs_s_fmt(struct file *file, void *fh, struct v4l2_format *f)
{
	struct tcs_channel *chan = video_drvdata(file);
	const struct tcs_format *tfmt;

	/* The buffers are sized for the current format. */
	if (vb2_is_busy(&chan->queue))
		return -EBUSY;

	tcs_format_fill(&f->fmt.pix, &tfmt);
	chan->fmt = f->fmt.pix;
	chan->tfmt = tfmt;
	return 0;
}

static int tcs_enum_framesizes(struct file *file, void *fh,
			       struct v4l2_frmsizeenum *fsize)
{
	return tcs_format_enum_sizes(fsize);
}

static int tcs_enum_frameintervals(struct file *file, void *fh,
				   struct v4l2_frmivalenum *fival)
{
	return tcs_format_enum_intervals(fival);
}

static int tcs_g_parm(struct file *file, void *fh, struct v4l2_streamparm *a)
{
	struct tcs_channel *chan = video_drvdata(file);

	if (a->type != V4L2_BUF_TYPE_VIDEO_CAPTURE)
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

	if (a->type != V4L2_BUF_TYPE_VIDEO_CAPTURE)
		return -EINVAL;
	/* The sensor's frame timing is fixed while it runs. */
	if (vb2_is_streaming(&chan->queue))
		return -EBUSY;

	tpf = a->parm.capture.timeperframe;
	tcs_format_snap_interval(&tpf);
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

static const struct v4l2_ioctl_ops tcs_ioctl_ops = {
	.vidioc_querycap = tcs_querycap,
	.vidioc_enum_fmt_vid_cap = tcs_enum_fmt,
	.vidioc_g_fmt_vid_cap = tcs_g_fmt,
	.vidioc_try_fmt_vid_cap = tcs_try_fmt,
	.vidioc_s_fmt_vid_cap = tcs_s_fmt,
	.vidioc_enum_framesizes = tcs_enum_framesizes,
	.vidioc_enum_frameintervals = tcs_enum_frameintervals,
	.vidioc_g_parm = tcs_g_parm,
	.vidioc_s_parm = tcs_s_parm,
	.vidioc_enum_input = tcs_enum_input,
	.vidioc_g_input = tcs_g_input,
	.vidioc_s_input = tcs_s_input,

	.vidioc_reqbufs = vb2_ioctl_reqbufs,
	.vidioc_create_bufs = vb2_ioctl_create_bufs,
	.vidioc_prepare_buf = vb2_ioctl_prepare_buf,
	.vidioc_querybuf = vb2_ioctl_querybuf,
	.vidioc_qbuf = vb2_ioctl_qbuf,
	.vidioc_dqbuf = vb2_ioctl_dqbuf,
	.vidioc_expbuf = vb2_ioctl_expbuf,
	.vidioc_streamon = vb2_ioctl_streamon,
	.vidioc_streamoff = vb2_ioctl_streamoff,

	.vidioc_log_status = v4l2_ctrl_log_status,
	.vidioc_subscribe_event = v4l2_ctrl_subscribe_event,
	.vidioc_unsubscribe_event = v4l2_event_unsubscribe,
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
 * backend needing more is a bug.
 */
#define TCS_DMA_ALIGN_MAX	4096

/**
 * tcs_capture_ctrls_init() - add the controls every backend has
 * @chan: the channel; &tcs_channel.ctrl_handler is initialised and the
 *	backend's probe has filled &tcs_device.dma.
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

	if (WARN_ON(align > TCS_DMA_ALIGN_MAX || !is_power_of_2(align)))
		return -EINVAL;
	v4l2_ctrl_new_custom(hdl, &cfg, NULL);
	return hdl->error;
}

/**
 * tcs_capture_register() - set up and register a channel's video node
 * @chan: the channel; its controls are already set up.
 *
 * Return: 0 or a negative error code.
 */
int tcs_capture_register(struct tcs_channel *chan)
{
	struct tcs_device *tcs = chan->tcs;
	struct video_device *vdev = &chan->vdev;
	struct vb2_queue *q = &chan->queue;
	int ret;

	chan->fmt.pixelformat = tcs_formats[0].fourcc;
	chan->fmt.width = TCS_DEF_WIDTH;
	chan->fmt.height = TCS_DEF_HEIGHT;
	tcs_format_fill(&chan->fmt, &chan->tfmt);
	chan->timeperframe = (struct v4l2_fract){ 0, 0 };
	tcs_format_snap_interval(&chan->timeperframe);

	q->type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	q->io_modes = VB2_MMAP | VB2_USERPTR | VB2_DMABUF;
	q->drv_priv = chan;
	q->buf_struct_size = sizeof(struct tcs_buffer);
	q->ops = &tcs_vb2_ops;
	q->mem_ops = &tcs_mem_ops;
	q->timestamp_flags = V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC |
			     tcs->backend->timestamp_src;
	q->lock = &chan->vlock;
	q->dev = tcs->dma_dev;
	tcs_vb2_set_min_queued(q, 0);
	ret = vb2_queue_init(q);
	if (ret)
		return ret;

	chan->pad.flags = MEDIA_PAD_FL_SINK;
	ret = media_entity_pads_init(&vdev->entity, 1, &chan->pad);
	if (ret)
		return ret;

	snprintf(vdev->name, sizeof(vdev->name), "%s ch%u", TCS_DRIVER_NAME,
		 chan->id);
	vdev->fops = &tcs_fops;
	vdev->ioctl_ops = &tcs_ioctl_ops;
	vdev->v4l2_dev = &tcs->v4l2_dev;
	vdev->queue = q;
	vdev->lock = &chan->vlock;
	vdev->ctrl_handler = &chan->ctrl_handler;
	vdev->release = video_device_release_empty;
	vdev->vfl_dir = VFL_DIR_RX;
	vdev->device_caps = V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_STREAMING;
	vdev->entity.function = MEDIA_ENT_F_IO_V4L;
	video_set_drvdata(vdev, chan);

	ret = video_register_device(vdev, VFL_TYPE_VIDEO, -1);
	if (ret) {
		media_entity_cleanup(&vdev->entity);
		return ret;
	}
	return 0;
}

/**
 * tcs_capture_unregister() - unregister a channel's video node
 * @chan: the channel.
 *
 * Stops streaming and frees the buffers of whoever owns the queue; open
 * file handles then get errors until they are closed.
 */
void tcs_capture_unregister(struct tcs_channel *chan)
{
	vb2_video_unregister_device(&chan->vdev);
	media_entity_cleanup(&chan->vdev.entity);
}
