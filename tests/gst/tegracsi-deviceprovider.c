/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Tests of tegracsideviceprovider.
 *
 *   tegracsi-deviceprovider host    registration, metadata, the hidden
 *                                   provider and the device's element,
 *                                   needing no device
 *   tegracsi-deviceprovider guest   the same, then probing, element
 *                                   creation, hotplug and hiding against
 *                                   the guest's nodes; fails
 *                                   outside the guest
 *
 * In the guest: TEGRACSI_TEST_CHANNELS is how many channels our driver was
 * loaded with (default 2); with TEGRACSI_TEST_VIVID=1 vivid must be loaded
 * too. The hotplug case needs udevd (tests/vm/run --udev), unloads and
 * reloads vivid and our driver's virtual backend (TEGRACSI_VIRT_KO, set
 * by the runner), and waits
 * at most HOTPLUG_TIMEOUT_S for each expected message.
 */
#include <gst/check/gstcheck.h>

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/videodev2.h>

#include "tcs-check.h"
#include "gsttegracsidebug.h"
#include "gsttegracsiformat.h"

#define PROVIDER "tegracsideviceprovider"
#define V4L2_PROVIDER "v4l2deviceprovider"
#define DRIVER "tegra-csi-sg"
#define HOTPLUG_TIMEOUT_S 60
#define RMMOD_TRIES 50

/* ------------------------------------------------------------------ */
/* What the nodes say, asked directly (independent of the plugin) */

typedef struct
{
  gchar *path;
  struct v4l2_capability cap;
  GArray *fourccs;              /* guint32, from VIDIOC_ENUM_FMT */
} Node;

static void
node_free (Node * node)
{
  g_free (node->path);
  g_array_unref (node->fourccs);
  g_free (node);
}

/* Every /dev/video* node that can stream video capture, in a table by
 * path; only those of @driver when it is not NULL. */
static GHashTable *
scan_nodes (const gchar * driver)
{
  GHashTable *nodes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
      (GDestroyNotify) node_free);
  GDir *dir = g_dir_open ("/dev", 0, NULL);
  const gchar *name;

  fail_unless (dir != NULL);
  while ((name = g_dir_read_name (dir))) {
    Node *node;
    guint32 caps, type;
    gint fd;
    guint i;

    if (!g_str_has_prefix (name, "video"))
      continue;
    node = g_new0 (Node, 1);
    node->path = g_build_filename ("/dev", name, NULL);
    node->fourccs = g_array_new (FALSE, FALSE, sizeof (guint32));
    fd = open (node->path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0 || ioctl (fd, VIDIOC_QUERYCAP, &node->cap) < 0)
      goto skip;
    caps = (node->cap.capabilities & V4L2_CAP_DEVICE_CAPS) ?
        node->cap.device_caps : node->cap.capabilities;
    if (!(caps & (V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_VIDEO_CAPTURE_MPLANE)) ||
        !(caps & V4L2_CAP_STREAMING) || (caps & V4L2_CAP_TOUCH))
      goto skip;
    if (driver && !g_str_equal ((gchar *) node->cap.driver, driver))
      goto skip;
    type = (caps & V4L2_CAP_VIDEO_CAPTURE) ? V4L2_BUF_TYPE_VIDEO_CAPTURE :
        V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
    for (i = 0;; i++) {
      struct v4l2_fmtdesc desc = {.index = i,.type = type };

      if (ioctl (fd, VIDIOC_ENUM_FMT, &desc) < 0)
        break;
      g_array_append_val (node->fourccs, desc.pixelformat);
    }
    close (fd);
    g_hash_table_insert (nodes, node->path, node);
    continue;
  skip:
    if (fd >= 0)
      close (fd);
    node_free (node);
  }
  g_dir_close (dir);

  return nodes;
}

static guint
count_driver (GHashTable * nodes, const gchar * driver)
{
  GHashTableIter iter;
  Node *node;
  guint n = 0;

  g_hash_table_iter_init (&iter, nodes);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) & node))
    n += g_str_equal ((gchar *) node->cap.driver, driver);
  return n;
}

static gchar *
device_path (GstDevice * device)
{
  GstStructure *props = gst_device_get_properties (device);
  gchar *path;

  fail_unless (props != NULL);
  path = g_strdup (gst_structure_get_string (props, "device.path"));
  gst_structure_free (props);
  fail_unless (path != NULL);
  return path;
}

static gboolean
is_ours (GstDevice * device)
{
  GstObject *parent = gst_object_get_parent (GST_OBJECT (device));
  gboolean ours = FALSE;

  if (parent) {
    ours = g_str_equal (GST_OBJECT_NAME (gst_device_provider_get_factory
            (GST_DEVICE_PROVIDER (parent))), PROVIDER);
    gst_object_unref (parent);
  } else {
    ours = g_str_equal (G_OBJECT_TYPE_NAME (device), "GstTegraCsiCameraDevice");
  }
  return ours;
}

/* Checks one device against what its node says. */
static void
check_device (GstDevice * device, Node * node)
{
  GstStructure *props = gst_device_get_properties (device);
  GstCaps *caps = gst_device_get_caps (device);
  gchar *name = gst_device_get_display_name (device);
  guint caps_value = 0, i;

  fail_unless (gst_device_has_classes (device, "Video/Source"));
  fail_unless_equals_string (gst_device_get_device_class (device),
      "Video/Source");
  fail_unless_equals_string (name, (gchar *) node->cap.card);
  fail_unless_equals_string (gst_structure_get_string (props, "device.path"),
      node->path);
  fail_unless_equals_string (gst_structure_get_string (props, "device.api"),
      "v4l2");
  fail_unless_equals_string (gst_structure_get_string (props,
          "v4l2.device.driver"), (gchar *) node->cap.driver);
  fail_unless_equals_string (gst_structure_get_string (props,
          "v4l2.device.card"), (gchar *) node->cap.card);
  fail_unless_equals_string (gst_structure_get_string (props,
          "v4l2.device.bus_info"), (gchar *) node->cap.bus_info);
  fail_unless (gst_structure_get_uint (props, "v4l2.device.capabilities",
          &caps_value));
  fail_unless_equals_int (caps_value, node->cap.capabilities);
  fail_unless (gst_structure_get_uint (props, "v4l2.device.device_caps",
          &caps_value));
  fail_unless_equals_int (caps_value, node->cap.device_caps);

  /* Non-empty, and every format of the node the table knows is in. */
  fail_unless (caps != NULL && !gst_caps_is_empty (caps));
  for (i = 0; i < node->fourccs->len; i++) {
    const GstTegraCsiFormat *format = gst_tegra_csi_format_from_fourcc
        (g_array_index (node->fourccs, guint32, i));
    GstStructure *s;
    GstCaps *want;

    if (format == NULL)
      continue;
    s = gst_tegra_csi_format_to_structure (format);
    want = gst_caps_new_full (s, NULL);
    fail_unless (gst_caps_can_intersect (caps, want),
        "%s: caps %" GST_PTR_FORMAT " miss %" GST_PTR_FORMAT, node->path,
        caps, want);
    gst_caps_unref (want);
  }

  g_free (name);
  gst_caps_unref (caps);
  gst_structure_free (props);
}

static gboolean
in_guest (void)
{
  return g_strcmp0 (g_getenv ("TEGRACSI_IN_GUEST"), "1") == 0;
}

static guint
expected_channels (void)
{
  const gchar *s = g_getenv ("TEGRACSI_TEST_CHANNELS");

  return s ? atoi (s) : 2;
}

static gboolean
run (const gchar * command)
{
  gchar *out = NULL, *err = NULL;
  gint status = -1;
  gboolean ok;

  GST_INFO ("running %s", command);
  ok = g_spawn_command_line_sync (command, &out, &err, &status, NULL) &&
      g_spawn_check_wait_status (status, NULL);
  if (!ok)
    GST_WARNING ("'%s' failed: %s%s", command, out ? out : "", err ? err : "");
  g_free (out);
  g_free (err);
  return ok;
}

/* rmmod, retried while a provider still holds a node open (EBUSY). */
static void
unload (const gchar * module)
{
  gchar *command = g_strdup_printf ("rmmod %s", module);
  gint i;

  for (i = 0; i < RMMOD_TRIES && !run (command); i++)
    g_usleep (100 * 1000);
  fail_unless (i < RMMOD_TRIES, "cannot unload %s", module);
  g_free (command);
}

static gboolean
module_loaded (const gchar * module)
{
  gchar *path = g_strdup_printf ("/sys/module/%s", module);
  gboolean loaded = g_file_test (path, G_FILE_TEST_IS_DIR);

  g_free (path);
  return loaded;
}

/* ------------------------------------------------------------------ */
/* Host: no device needed */

GST_START_TEST (test_registered)
{
  GstDeviceProviderFactory *factory =
      gst_device_provider_factory_find (PROVIDER);
  GstDeviceProvider *provider;
  gchar **hidden;

  fail_unless (factory != NULL);
  fail_unless (gst_plugin_feature_get_rank (GST_PLUGIN_FEATURE (factory)) >=
      GST_RANK_MARGINAL, "too low a rank for GstDeviceMonitor");
  fail_unless (gst_device_provider_factory_has_classes (factory,
          "Video/Source"));
  fail_if (gst_device_provider_factory_has_classes (factory, "Sink"));

  provider = gst_device_provider_factory_get (factory);
  fail_unless (provider != NULL);
  fail_unless (gst_device_provider_can_monitor (provider));
  hidden = gst_device_provider_get_hidden_providers (provider);
  fail_unless (hidden != NULL);
  fail_unless (g_strv_contains ((const gchar * const *) hidden,
          V4L2_PROVIDER));
  g_strfreev (hidden);

  gst_object_unref (provider);
  gst_object_unref (factory);
}

GST_END_TEST;

/* A device made by hand creates and reconfigures tegracsisrc. */
GST_START_TEST (test_device_element)
{
  GstDeviceProvider *provider =
      gst_device_provider_factory_get_by_name (PROVIDER);
  GType type = g_type_from_name ("GstTegraCsiCameraDevice");
  GstDevice *device;
  GstElement *element, *other;
  gchar *path = NULL;

  fail_unless (provider != NULL);
  fail_unless (type != 0);
  device = g_object_new (type, "display-name", "Test", "device-class",
      "Video/Source", "device-path", "/dev/video42", NULL);
  gst_object_ref_sink (device);

  element = gst_device_create_element (device, "src");
  fail_unless (element != NULL);
  fail_unless_equals_string (GST_OBJECT_NAME (gst_element_get_factory
          (element)), "tegracsisrc");
  fail_unless_equals_string (GST_OBJECT_NAME (element), "src");
  g_object_get (element, "device", &path, NULL);
  fail_unless_equals_string (path, "/dev/video42");
  g_free (path);
  path = NULL;

  g_object_set (element, "device", "/dev/video0", NULL);
  fail_unless (gst_device_reconfigure_element (device, element));
  g_object_get (element, "device", &path, NULL);
  fail_unless_equals_string (path, "/dev/video42");
  g_free (path);

  other = gst_element_factory_make ("fakesrc", NULL);
  fail_if (gst_device_reconfigure_element (device, other));

  gst_object_unref (other);
  gst_object_unref (element);
  gst_object_unref (device);
  gst_object_unref (provider);
}

GST_END_TEST;

/* ------------------------------------------------------------------ */
/* Guest: the nodes of the guest */

/* Probing lists exactly the capture nodes, each described right. */
GST_START_TEST (test_probe)
{
  GHashTable *nodes = scan_nodes (NULL);
  GstDeviceProvider *provider =
      gst_device_provider_factory_get_by_name (PROVIDER);
  GHashTable *seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      NULL);
  GList *devices, *l;

  fail_unless_equals_int (count_driver (nodes, DRIVER), expected_channels ());
  if (g_strcmp0 (g_getenv ("TEGRACSI_TEST_VIVID"), "1") == 0)
    fail_unless (count_driver (nodes, "vivid") > 0, "vivid is not loaded");

  devices = gst_device_provider_get_devices (provider);
  for (l = devices; l; l = l->next) {
    gchar *path = device_path (l->data);
    Node *node = g_hash_table_lookup (nodes, path);

    GST_INFO ("%s: %" GST_PTR_FORMAT, path, l->data);
    fail_unless (node != NULL, "%s is not a capture node", path);
    fail_if (g_hash_table_contains (seen, path), "%s listed twice", path);
    check_device (l->data, node);
    g_hash_table_add (seen, path);
  }
  fail_unless_equals_int (g_hash_table_size (seen),
      g_hash_table_size (nodes));

  g_list_free_full (devices, gst_object_unref);
  g_hash_table_unref (seen);
  g_hash_table_unref (nodes);
  gst_object_unref (provider);
}

GST_END_TEST;

/* Each listed device creates a tegracsisrc on its node, which starts. */
GST_START_TEST (test_create_element)
{
  GstDeviceProvider *provider =
      gst_device_provider_factory_get_by_name (PROVIDER);
  GList *devices = gst_device_provider_get_devices (provider), *l;

  fail_unless (devices != NULL);
  for (l = devices; l; l = l->next) {
    GstElement *element = gst_device_create_element (l->data, NULL);
    gchar *path = device_path (l->data), *set = NULL;

    fail_unless (element != NULL);
    fail_unless_equals_string (GST_OBJECT_NAME (gst_element_get_factory
            (element)), "tegracsisrc");
    g_object_get (element, "device", &set, NULL);
    fail_unless_equals_string (set, path);
    /* READY opens nothing yet; PAUSED opens and probes the node. */
    fail_unless_equals_int (gst_element_set_state (element, GST_STATE_PAUSED),
        GST_STATE_CHANGE_NO_PREROLL);
    fail_unless_equals_int (gst_element_set_state (element, GST_STATE_NULL),
        GST_STATE_CHANGE_SUCCESS);
    g_free (set);
    g_free (path);
    gst_object_unref (element);
  }

  g_list_free_full (devices, gst_object_unref);
  gst_object_unref (provider);
}

GST_END_TEST;

/* Pops the monitor's device messages until @want (paths) have all come as
 * @type, failing on any other device message or at the deadline. */
static void
expect_messages (GstBus * bus, GstMessageType type, GHashTable * want,
    const gchar * what)
{
  gint64 deadline = g_get_monotonic_time () +
      HOTPLUG_TIMEOUT_S * G_TIME_SPAN_SECOND;
  GHashTable *left = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, want);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_hash_table_add (left, key);

  while (g_hash_table_size (left) > 0) {
    gint64 now = g_get_monotonic_time ();
    GstMessage *msg;
    GstDevice *device;
    gchar *path;

    fail_unless (now < deadline, "%s: %u device messages missing after %d s",
        what, g_hash_table_size (left), HOTPLUG_TIMEOUT_S);
    msg = gst_bus_timed_pop_filtered (bus, (deadline - now) * GST_USECOND,
        GST_MESSAGE_DEVICE_ADDED | GST_MESSAGE_DEVICE_REMOVED);
    if (msg == NULL)
      continue;
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_DEVICE_ADDED)
      gst_message_parse_device_added (msg, &device);
    else
      gst_message_parse_device_removed (msg, &device);
    path = device_path (device);
    GST_INFO ("%s: %s %s", what, GST_MESSAGE_TYPE_NAME (msg), path);
    fail_unless (GST_MESSAGE_TYPE (msg) == type, "%s: unexpected %s of %s",
        what, GST_MESSAGE_TYPE_NAME (msg), path);
    fail_unless (is_ours (device), "%s: %s from another provider", what,
        path);
    fail_unless (g_hash_table_remove (left, path), "%s: unexpected %s", what,
        path);
    if (type == GST_MESSAGE_DEVICE_ADDED)
      check_device (device, g_hash_table_lookup (want, path));
    g_free (path);
    gst_object_unref (device);
    gst_message_unref (msg);
  }

  g_hash_table_unref (left);
}

/* No device message within @seconds. */
static void
expect_quiet (GstBus * bus, guint seconds, const gchar * what)
{
  GstMessage *msg = gst_bus_timed_pop_filtered (bus, seconds * GST_SECOND,
      GST_MESSAGE_DEVICE_ADDED | GST_MESSAGE_DEVICE_REMOVED);

  if (msg) {
    GstDevice *device;

    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_DEVICE_ADDED)
      gst_message_parse_device_added (msg, &device);
    else
      gst_message_parse_device_removed (msg, &device);
    fail ("%s: unexpected %s of %s", what, GST_MESSAGE_TYPE_NAME (msg),
        device_path (device));
  }
}

static GstDeviceMonitor *
start_monitor (GstBus ** bus)
{
  GstDeviceMonitor *monitor = gst_device_monitor_new ();

  /* As gst-device-monitor-1.0 Video/Source does: both providers. */
  fail_unless (gst_device_monitor_add_filter (monitor, "Video/Source", NULL));
  *bus = gst_device_monitor_get_bus (monitor);
  fail_unless (gst_device_monitor_start (monitor));
  return monitor;
}

static void
stop_monitor (GstDeviceMonitor * monitor, GstBus * bus)
{
  gst_device_monitor_stop (monitor);
  gst_object_unref (bus);
  gst_object_unref (monitor);
}

/* Loading and unloading a driver adds and removes its nodes. */
GST_START_TEST (test_hotplug)
{
  GstDeviceMonitor *monitor;
  GstBus *bus;
  GHashTable *nodes, *vivid;
  gchar *insmod;

  if (module_loaded ("vivid"))
    unload ("vivid");

  nodes = scan_nodes (NULL);
  monitor = start_monitor (&bus);
  expect_messages (bus, GST_MESSAGE_DEVICE_ADDED, nodes, "initial");
  expect_quiet (bus, 1, "initial");

  fail_unless (run ("modprobe vivid"));
  vivid = scan_nodes ("vivid");
  fail_unless (g_hash_table_size (vivid) > 0);
  expect_messages (bus, GST_MESSAGE_DEVICE_ADDED, vivid, "modprobe vivid");
  unload ("vivid");
  expect_messages (bus, GST_MESSAGE_DEVICE_REMOVED, vivid, "rmmod vivid");
  g_hash_table_unref (vivid);

  /* Our driver's virtual backend, as the runner loaded it. */
  g_hash_table_unref (nodes);
  nodes = scan_nodes (DRIVER);
  fail_unless_equals_int (g_hash_table_size (nodes), expected_channels ());
  unload ("tegra_csi_sg_virt");
  expect_messages (bus, GST_MESSAGE_DEVICE_REMOVED, nodes, "rmmod driver");
  fail_unless (g_getenv ("TEGRACSI_VIRT_KO") != NULL);
  insmod = g_strdup_printf ("insmod %s virtual_channels=%u",
      g_getenv ("TEGRACSI_VIRT_KO"), expected_channels ());
  fail_unless (run (insmod));
  g_hash_table_unref (nodes);
  nodes = scan_nodes (DRIVER);
  fail_unless_equals_int (g_hash_table_size (nodes), expected_channels ());
  expect_messages (bus, GST_MESSAGE_DEVICE_ADDED, nodes, "insmod driver");
  expect_quiet (bus, 1, "after insmod");

  g_free (insmod);
  g_hash_table_unref (nodes);
  stop_monitor (monitor, bus);
}

GST_END_TEST;

/* With both providers in one monitor, each node is listed once, by us;
 * with show-all, v4l2deviceprovider's entries come back (it does run).
 * Twice, since stopping a provider clears its hidden list; after each stop
 * no device of ours is left alive. */
GST_START_TEST (test_hides_v4l2)
{
  GHashTable *nodes = scan_nodes (NULL);
  GstDeviceMonitor *monitor;
  GstBus *bus;
  GList *devices, *l;
  gchar **names;
  guint round;

  fail_unless (g_hash_table_size (nodes) > 0);
  monitor = gst_device_monitor_new ();
  fail_unless (gst_device_monitor_add_filter (monitor, "Video/Source", NULL));
  names = gst_device_monitor_get_providers (monitor);
  fail_unless (g_strv_contains ((const gchar * const *) names, PROVIDER));
  fail_unless (g_strv_contains ((const gchar * const *) names,
          V4L2_PROVIDER));
  g_strfreev (names);

  /* Probing, not started. */
  devices = gst_device_monitor_get_devices (monitor);
  for (l = devices; l; l = l->next)
    fail_unless (is_ours (l->data), "a device of another provider");
  fail_unless_equals_int (g_list_length (devices), g_hash_table_size (nodes));
  g_list_free_full (devices, gst_object_unref);
  gst_object_unref (monitor);

  for (round = 0; round < 2; round++) {
    GPtrArray *weak = g_ptr_array_new_with_free_func (g_free);
    guint ours = 0, theirs = 0, i;

    /* Started: the messages and the list. */
    monitor = start_monitor (&bus);
    expect_messages (bus, GST_MESSAGE_DEVICE_ADDED, nodes, "start");
    expect_quiet (bus, 1, "start");
    devices = gst_device_monitor_get_devices (monitor);
    for (l = devices; l; l = l->next) {
      gpointer *ptr = g_new (gpointer, 1);

      fail_unless (is_ours (l->data), "a device of another provider");
      *ptr = l->data;
      g_object_add_weak_pointer (*ptr, ptr);
      g_ptr_array_add (weak, ptr);
    }
    fail_unless_equals_int (g_list_length (devices),
        g_hash_table_size (nodes));
    g_list_free_full (devices, gst_object_unref);

    /* The control: show-all shows v4l2deviceprovider's too. */
    g_object_set (monitor, "show-all", TRUE, NULL);
    devices = gst_device_monitor_get_devices (monitor);
    for (l = devices; l; l = l->next) {
      if (is_ours (l->data))
        ours++;
      else
        theirs++;
    }
    fail_unless_equals_int (ours, g_hash_table_size (nodes));
    fail_unless (theirs >= g_hash_table_size (nodes),
        "v4l2deviceprovider listed %u of %u nodes", theirs,
        g_hash_table_size (nodes));
    g_list_free_full (devices, gst_object_unref);

    stop_monitor (monitor, bus);
    for (i = 0; i < weak->len; i++)
      fail_unless (*(gpointer *) g_ptr_array_index (weak, i) == NULL,
          "round %u: a device is alive after the monitor stopped", round);
    g_ptr_array_unref (weak);
  }

  g_hash_table_unref (nodes);
}

GST_END_TEST;

static Suite *
deviceprovider_suite (gboolean guest)
{
  Suite *s = suite_create ("tegracsi-deviceprovider");

  /* the format table is linked in without the plugin */
  gst_tegra_csi_debug_init ();
  TCase *host = tcase_create ("host");
  TCase *tc;

  suite_add_tcase (s, host);
  tcase_add_test (host, test_registered);
  tcase_add_test (host, test_device_element);

  if (guest) {
    tc = tcase_create ("guest");
    suite_add_tcase (s, tc);
    tcase_set_timeout (tc, 600);
    tcase_add_test (tc, test_probe);
    tcase_add_test (tc, test_create_element);
    tcase_add_test (tc, test_hides_v4l2);
    /* last: it unloads and reloads the drivers */
    tcase_add_test (tc, test_hotplug);
  }

  return s;
}

int
main (int argc, char **argv)
{
  gboolean guest;

  gst_check_init (&argc, &argv);

  guest = argc > 1 && g_str_equal (argv[1], "guest");
  if (guest && !in_guest ()) {
    g_print ("FAIL: the guest cases run in the QEMU guest only "
        "(tests/vm/run --udev)\n");
    return 1;
  }

  return tcs_check_run_suite (deviceprovider_suite (guest),
      "tegracsi-deviceprovider");
}
