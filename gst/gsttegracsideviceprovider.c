/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tegracsi: the device provider.
 *
 * Lists every V4L2 video capture node (the `/dev/video*` nodes of the
 * video4linux subsystem whose device capabilities include single- or
 * multi-planar video capture and streaming I/O, and which offer at least one
 * format tegracsisrc can produce) as a #GstTegraCsiCameraDevice, and follows
 * udev (through gudev) to post device added and removed messages while
 * started. The caps come from the same prober the element uses.
 *
 * Since the capture nodes v4l2deviceprovider would list are listed here too,
 * the provider hides v4l2deviceprovider in the monitors that run both, as
 * libcamera's provider does. The price: a monitor running both no longer
 * shows nodes whose only formats tegracsisrc cannot produce (a camera with
 * compressed formats only), nor V4L2 output nodes when it asks for sinks
 * and sources alike.
 *
 * Threading: start() creates a private GMainContext with the udev client's
 * event source attached and a thread running it; uevents are handled on
 * that thread only. The table of listed devices is touched by start()
 * before the thread exists, by the thread, and by stop() after the thread
 * has been joined: never by two threads at once, so it has no lock.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsttegracsideviceprovider.h"
#include "gsttegracsidebug.h"

#include <gudev/gudev.h>

#include "gsttegracsicaps.h"
#include "gsttegracsidevice.h"

#define GST_CAT_DEFAULT gst_tegra_csi_device_provider_debug

#define ELEMENT_NAME "tegracsisrc"
#define HIDDEN_PROVIDER "v4l2deviceprovider"

/* ---------------------------------------------------------------------- */
/* The device */

/**
 * GstTegraCsiCameraDevice:
 *
 * One V4L2 video capture node, as the tegracsi device provider lists it:
 * device class `Video/Source`, the card name as display name, the caps
 * tegracsisrc can produce from it (system memory), and properties
 * `device.path`, `device.api` (`v4l2`), `device.capabilities`,
 * `v4l2.device.driver`, `v4l2.device.card`, `v4l2.device.bus_info`,
 * `v4l2.device.version`, `v4l2.device.capabilities`,
 * `v4l2.device.device_caps`, `sysfs.path`, `udev-probed` and, when udevd
 * has run its rules, `device.bus_path`, `device.bus`, `device.serial`,
 * `device.vendor.id`, `device.product.id` and `device.product.name`.
 * gst_device_create_element() gives a tegracsisrc with `device` set to the
 * node.
 */
struct _GstTegraCsiCameraDevice
{
  GstDevice parent;

  /* The node path, set at construction and constant afterwards. */
  gchar *path;
};

enum
{
  PROP_DEVICE_0,
  PROP_DEVICE_PATH,
};

G_DEFINE_TYPE (GstTegraCsiCameraDevice, gst_tegra_csi_camera_device,
    GST_TYPE_DEVICE);

static GstElement *
gst_tegra_csi_camera_device_create_element (GstDevice * device,
    const gchar * name)
{
  GstTegraCsiCameraDevice *self = GST_TEGRA_CSI_CAMERA_DEVICE (device);
  GstElement *element = gst_element_factory_make (ELEMENT_NAME, name);

  if (element == NULL) {
    GST_ERROR_OBJECT (self, "cannot create a %s element", ELEMENT_NAME);
    return NULL;
  }
  g_object_set (element, "device", self->path, NULL);

  return element;
}

static gboolean
gst_tegra_csi_camera_device_reconfigure_element (GstDevice * device,
    GstElement * element)
{
  GstTegraCsiCameraDevice *self = GST_TEGRA_CSI_CAMERA_DEVICE (device);
  GstElementFactory *factory = gst_element_get_factory (element);

  if (factory == NULL || !g_str_equal (GST_OBJECT_NAME (factory),
          ELEMENT_NAME))
    return FALSE;

  g_object_set (element, "device", self->path, NULL);
  return TRUE;
}

static void
gst_tegra_csi_camera_device_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstTegraCsiCameraDevice *self = GST_TEGRA_CSI_CAMERA_DEVICE (object);

  switch (prop_id) {
    case PROP_DEVICE_PATH:
      g_free (self->path);
      self->path = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_tegra_csi_camera_device_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstTegraCsiCameraDevice *self = GST_TEGRA_CSI_CAMERA_DEVICE (object);

  switch (prop_id) {
    case PROP_DEVICE_PATH:
      g_value_set_string (value, self->path);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_tegra_csi_camera_device_finalize (GObject * object)
{
  GstTegraCsiCameraDevice *self = GST_TEGRA_CSI_CAMERA_DEVICE (object);

  g_free (self->path);

  G_OBJECT_CLASS (gst_tegra_csi_camera_device_parent_class)->finalize (object);
}

static void
gst_tegra_csi_camera_device_class_init (GstTegraCsiCameraDeviceClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstDeviceClass *device_class = GST_DEVICE_CLASS (klass);

  gobject_class->set_property = gst_tegra_csi_camera_device_set_property;
  gobject_class->get_property = gst_tegra_csi_camera_device_get_property;
  gobject_class->finalize = gst_tegra_csi_camera_device_finalize;

  device_class->create_element = gst_tegra_csi_camera_device_create_element;
  device_class->reconfigure_element =
      gst_tegra_csi_camera_device_reconfigure_element;

  g_object_class_install_property (gobject_class, PROP_DEVICE_PATH,
      g_param_spec_string ("device-path", "Device Path",
          "Path of the V4L2 video capture node, such as /dev/video0; the "
          "elements this device creates open it.", NULL,
          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
          G_PARAM_STATIC_STRINGS));
}

static void
gst_tegra_csi_camera_device_init (G_GNUC_UNUSED GstTegraCsiCameraDevice * self)
{
}

/**
 * gst_tegra_csi_camera_device_get_path:
 * @self: a device from the tegracsi device provider
 *
 * Returns: (transfer none): the path of its V4L2 node, the value the
 * `device` property of the elements it creates gets.
 */
const gchar *
gst_tegra_csi_camera_device_get_path (GstTegraCsiCameraDevice * self)
{
  g_return_val_if_fail (GST_IS_TEGRA_CSI_CAMERA_DEVICE (self), NULL);

  return self->path;
}

/* Sets @field from the udev property @key when udev has it. */
static void
set_udev_string (GstStructure * props, const gchar * field,
    GUdevDevice * udev, const gchar * key)
{
  const gchar *value = g_udev_device_get_property (udev, key);

  if (value != NULL && value[0] != '\0')
    gst_structure_set (props, field, G_TYPE_STRING, value, NULL);
}

static GstStructure *
make_properties (GstTegraCsiDevice * wrapper, GUdevDevice * udev)
{
  const struct v4l2_capability *cap =
      gst_tegra_csi_device_get_capability (wrapper);
  GstStructure *props;

  props = gst_structure_new ("tegracsi-device",
      "device.path", G_TYPE_STRING, gst_tegra_csi_device_get_path (wrapper),
      "device.api", G_TYPE_STRING, "v4l2",
      "device.capabilities", G_TYPE_STRING, ":capture:",
      "v4l2.device.driver", G_TYPE_STRING, (const gchar *) cap->driver,
      "v4l2.device.card", G_TYPE_STRING, (const gchar *) cap->card,
      "v4l2.device.bus_info", G_TYPE_STRING, (const gchar *) cap->bus_info,
      "v4l2.device.version", G_TYPE_UINT, cap->version,
      "v4l2.device.capabilities", G_TYPE_UINT, cap->capabilities,
      "v4l2.device.device_caps", G_TYPE_UINT, cap->device_caps,
      "sysfs.path", G_TYPE_STRING, g_udev_device_get_sysfs_path (udev),
      "udev-probed", G_TYPE_BOOLEAN, g_udev_device_get_is_initialized (udev),
      NULL);

  /* Only what udevd's rules found, when it runs. */
  set_udev_string (props, "device.bus_path", udev, "ID_PATH");
  set_udev_string (props, "device.bus", udev, "ID_BUS");
  set_udev_string (props, "device.serial", udev, "ID_SERIAL");
  set_udev_string (props, "device.vendor.id", udev, "ID_VENDOR_ID");
  set_udev_string (props, "device.product.id", udev, "ID_MODEL_ID");
  set_udev_string (props, "device.product.name", udev, "ID_V4L_PRODUCT");

  return props;
}

/* Returns: (transfer floating) (nullable): a device for the node of @udev,
 * or NULL when it is not a video capture node tegracsisrc can use. */
static GstDevice *
camera_device_new (GUdevDevice * udev)
{
  const gchar *name = g_udev_device_get_name (udev);
  const gchar *path = g_udev_device_get_device_file (udev);
  const struct v4l2_capability *cap;
  GstTegraCsiDevice *wrapper;
  GstStructure *props = NULL;
  GstDevice *device = NULL;
  GstTegraCsiProbe probe = { 0 };
  GstCaps *caps = NULL;
  gint ret;

  if (path == NULL || name == NULL || !g_str_has_prefix (name, "video"))
    return NULL;

  wrapper = gst_tegra_csi_device_new (path);
  ret = gst_tegra_csi_device_open (wrapper);
  if (ret < 0) {
    GST_DEBUG ("skipping '%s': %s", path,
        ret == GST_TEGRA_CSI_DEVICE_ENOTCAPTURE ? "not a video capture node" :
        g_strerror (-ret));
    goto out;
  }

  cap = gst_tegra_csi_device_get_capability (wrapper);
  if (((cap->capabilities & V4L2_CAP_DEVICE_CAPS) ? cap->device_caps :
          cap->capabilities) & V4L2_CAP_TOUCH) {
    GST_DEBUG ("skipping '%s': a touch sensor", path);
    goto out;
  }

  gst_tegra_csi_caps_probe_init (&probe, wrapper, FALSE);
  caps = gst_tegra_csi_caps_probe (wrapper, &probe);
  if (gst_caps_is_empty (caps)) {
    GST_INFO ("skipping '%s': no format " ELEMENT_NAME " supports among: %s",
        path, probe.offered);
    goto out;
  }

  props = make_properties (wrapper, udev);
  device = g_object_new (GST_TYPE_TEGRA_CSI_CAMERA_DEVICE,
      "display-name", (const gchar *) cap->card,
      "device-class", "Video/Source",
      "caps", caps, "properties", props, "device-path", path, NULL);
  GST_INFO ("'%s' (%s, %s): %" GST_PTR_FORMAT, path, cap->card, cap->driver,
      caps);

out:
  if (props)
    gst_structure_free (props);
  gst_clear_caps (&caps);
  gst_tegra_csi_caps_probe_clear (&probe);
  gst_tegra_csi_device_close (wrapper);
  gst_object_unref (wrapper);

  return device;
}

/* ---------------------------------------------------------------------- */
/* The provider */

/**
 * GstTegraCsiDeviceProvider:
 *
 * The `tegracsideviceprovider` device provider (rank primary, class
 * `Video/Source`): probes the video4linux nodes, and while started follows
 * their udev add and remove events (which needs udevd) from a thread of its
 * own. It hides `v4l2deviceprovider`.
 *
 * |[
 * gst-device-monitor-1.0 Video/Source
 * gst-device-monitor-1.0 -f Video/Source
 * ]|
 */
struct _GstTegraCsiDeviceProvider
{
  GstDeviceProvider parent;

  /* All set by start() and cleared by stop(); the context runs on thread.
   * devices maps a sysfs path to its listed GstDevice (a reference of its
   * own); see the threading note at the top. */
  GMainContext *context;
  GMainLoop *loop;
  GThread *thread;
  GUdevClient *client;
  GHashTable *devices;
};

G_DEFINE_TYPE (GstTegraCsiDeviceProvider, gst_tegra_csi_device_provider,
    GST_TYPE_DEVICE_PROVIDER);
GST_DEVICE_PROVIDER_REGISTER_DEFINE (tegracsideviceprovider,
    "tegracsideviceprovider", GST_RANK_PRIMARY,
    GST_TYPE_TEGRA_CSI_DEVICE_PROVIDER);

/* A udev client whose event source is attached to @context. */
static GUdevClient *
new_client (GMainContext * context)
{
  const gchar *const subsystems[] = { "video4linux", NULL };
  GUdevClient *client;

  g_main_context_push_thread_default (context);
  client = g_udev_client_new (subsystems);
  g_main_context_pop_thread_default (context);

  return client;
}

static gint
compare_device_numbers (gconstpointer a, gconstpointer b)
{
  GUdevDeviceNumber na = g_udev_device_get_device_number ((GUdevDevice *) a);
  GUdevDeviceNumber nb = g_udev_device_get_device_number ((GUdevDevice *) b);

  return na < nb ? -1 : na > nb;
}

/* Returns: (transfer full) (element-type GUdevDevice): the video4linux
 * devices in node order. */
static GList *
query_nodes (GUdevClient * client)
{
  GList *nodes = g_udev_client_query_by_subsystem (client, "video4linux");

  return g_list_sort (nodes, compare_device_numbers);
}

static GList *
gst_tegra_csi_device_provider_probe (G_GNUC_UNUSED GstDeviceProvider * provider)
{
  GMainContext *context = g_main_context_new ();
  GUdevClient *client = new_client (context);
  GList *nodes = query_nodes (client), *l, *devices = NULL;

  for (l = nodes; l; l = l->next) {
    GstDevice *device = camera_device_new (l->data);

    if (device)
      devices = g_list_prepend (devices, device);
  }

  g_list_free_full (nodes, g_object_unref);
  g_object_unref (client);
  g_main_context_unref (context);

  return g_list_reverse (devices);
}

/* Lists the node of @udev unless it is listed already. */
static void
add_node (GstTegraCsiDeviceProvider * self, GUdevDevice * udev)
{
  const gchar *key = g_udev_device_get_sysfs_path (udev);
  GstDevice *device;

  if (key == NULL || g_hash_table_contains (self->devices, key))
    return;

  device = camera_device_new (udev);
  if (device == NULL)
    return;

  gst_object_ref_sink (device);
  g_hash_table_insert (self->devices, g_strdup (key), device);
  gst_device_provider_device_add (GST_DEVICE_PROVIDER (self), device);
}

static void
remove_node (GstTegraCsiDeviceProvider * self, GUdevDevice * udev)
{
  const gchar *key = g_udev_device_get_sysfs_path (udev);
  gpointer device;

  if (key == NULL || !g_hash_table_steal_extended (self->devices, key, NULL,
          &device))
    return;

  GST_INFO_OBJECT (self, "'%s' removed", key);
  gst_device_provider_device_remove (GST_DEVICE_PROVIDER (self), device);
  gst_object_unref (device);
}

/* Runs on the udev thread. */
static void
on_uevent (G_GNUC_UNUSED GUdevClient * client, const gchar * action,
    GUdevDevice * udev, GstTegraCsiDeviceProvider * self)
{
  GST_DEBUG_OBJECT (self, "uevent %s %s", action,
      g_udev_device_get_sysfs_path (udev));

  if (g_str_equal (action, "add"))
    add_node (self, udev);
  else if (g_str_equal (action, "remove"))
    remove_node (self, udev);
}

static gpointer
udev_thread (gpointer data)
{
  GstTegraCsiDeviceProvider *self = data;

  g_main_context_push_thread_default (self->context);
  g_main_loop_run (self->loop);
  g_main_context_pop_thread_default (self->context);

  return NULL;
}

static gboolean
gst_tegra_csi_device_provider_start (GstDeviceProvider * provider)
{
  GstTegraCsiDeviceProvider *self = GST_TEGRA_CSI_DEVICE_PROVIDER (provider);
  GList *nodes, *l;

  /* stop() clears the hidden list: hide again on every start. */
  gst_device_provider_hide_provider (provider, HIDDEN_PROVIDER);

  self->devices = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      gst_object_unref);
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);

  /* The client first, so that no node appearing during the enumeration is
   * missed: its event is queued and add_node() ignores nodes it knows. */
  self->client = new_client (self->context);
  g_signal_connect (self->client, "uevent", G_CALLBACK (on_uevent), self);

  nodes = query_nodes (self->client);
  for (l = nodes; l; l = l->next)
    add_node (self, l->data);
  g_list_free_full (nodes, g_object_unref);

  self->thread = g_thread_new ("tegracsi-udev", udev_thread, self);
  GST_INFO_OBJECT (self, "started with %u devices",
      g_hash_table_size (self->devices));

  return TRUE;
}

static void
gst_tegra_csi_device_provider_stop (GstDeviceProvider * provider)
{
  GstTegraCsiDeviceProvider *self = GST_TEGRA_CSI_DEVICE_PROVIDER (provider);

  g_main_loop_quit (self->loop);
  g_thread_join (self->thread);
  self->thread = NULL;

  g_signal_handlers_disconnect_by_func (self->client, on_uevent, self);
  g_clear_object (&self->client);
  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  /* The base class unparents the devices it lists after this returns. */
  g_clear_pointer (&self->devices, g_hash_table_unref);
}

static void
gst_tegra_csi_device_provider_class_init (GstTegraCsiDeviceProviderClass *
    klass)
{
  GstDeviceProviderClass *provider_class = GST_DEVICE_PROVIDER_CLASS (klass);

  provider_class->probe = gst_tegra_csi_device_provider_probe;
  provider_class->start = gst_tegra_csi_device_provider_start;
  provider_class->stop = gst_tegra_csi_device_provider_stop;

  /* Applications may look the device type up by name before any device
   * exists. */
  g_type_ensure (GST_TYPE_TEGRA_CSI_CAMERA_DEVICE);

  gst_device_provider_class_set_static_metadata (provider_class,
      "V4L2 video capture device provider (tegracsi)", "Video/Source",
      "Lists V4L2 video capture nodes, Tegra CSI channels and others, with "
      "the tegracsisrc element that captures from them, and follows udev "
      "for nodes that come and go",
      "tegracsi developers");
}

static void
gst_tegra_csi_device_provider_init (GstTegraCsiDeviceProvider * self)
{
  /* The capture nodes v4l2deviceprovider lists are listed here too. */
  gst_device_provider_hide_provider (GST_DEVICE_PROVIDER (self),
      HIDDEN_PROVIDER);
}
