#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""camera-switch: tegracsisrc embedded in a Python application (GObject
introspection), which finds its cameras with the GStreamer device monitor,
reads the element's statistics, reacts to its warning and error messages,
and, when the camera it captures from fails, switches to the next one.

    camera-switch.py [--frames N] [--fail-first] [--expect-warning TEXT]

The application lists the video sources the device monitor finds (the
tegracsi device provider's, for every V4L2 capture node) and captures from
the first, then from each of the others in turn, FRAMES frames each:

    tegracsisrc (from the device) ! video/x-raw,format=BGRx,... ! fakesink

It asks each camera for a control the camera may not have
(extra-controls "c,test_pattern=0,white_balance_automatic=1"): a camera that
lacks one posts a warning message naming it, which the application reports
and lives with. With --fail-first, once the first camera has delivered half
its frames the application simulates its cable being pulled (the virtual
sensor's "Disconnect" control, pressed through extra-controls): the element
posts an error message, the application reports it and the camera's
statistics, and carries on with the next camera. At the end it prints
every camera's statistics; the exit status is 0 when every camera it did
not fail delivered FRAMES frames, the failed one (if any) reported an
error, no frame was copied (the stats' bytes-copied is 0), and, with
--expect-warning TEXT, a warning message containing TEXT came.

Runs where tegracsisrc and a V4L2 capture device are, for example in the
test guest: tests/vm/run --udev --driver-args "virtual_channels=2" --
examples/camera-switch.py --fail-first (GST_PLUGIN_PATH_1_0=build/gst for a
build tree). See README.md in this folder.
"""
import argparse
import sys

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GLib, Gst  # noqa: E402

CAPS = "video/x-raw,format=BGRx,width=320,height=240,framerate=30/1"
# test_pattern: the driver's counter pattern; white_balance_automatic: a
# control a raw sensor usually lacks (the warning this shows)
CONTROLS = "c,test_pattern=0,white_balance_automatic=1"


# An exception in a callback (PyGObject reports it and carries on) fails the run.
callback_errors = []


def excepthook(kind, value, tb):
    callback_errors.append(value)
    sys.__excepthook__(kind, value, tb)


def find_cameras():
    """The video sources the device monitor lists, in node order."""
    monitor = Gst.DeviceMonitor.new()
    monitor.add_filter("Video/Source", Gst.Caps.from_string("video/x-raw"))
    if not monitor.start():
        return []
    devices = monitor.get_devices()
    monitor.stop()

    def path(dev):
        props = dev.get_properties()
        return (props.get_string("device.path") or "") if props else ""

    return sorted(devices, key=path)


def stats_of(src):
    """The element's stats structure as a dict of its fields."""
    stats = src.get_property("stats")
    return {stats.nth_field_name(i): stats.get_value(stats.nth_field_name(i))
            for i in range(stats.n_fields())}


class Capture:
    """One camera's run: FRAMES frames, or until the element posts an error."""

    def __init__(self, device, frames, fail_after):
        self.device = device
        self.frames = frames
        self.fail_after = fail_after
        self.received = 0
        self.warnings = []
        self.error = None
        self.loop = GLib.MainLoop()
        self.pipeline = Gst.Pipeline.new(None)
        self.src = device.create_element("src")
        self.src.set_property("extra-controls",
                              Gst.Structure.from_string(CONTROLS)[0])
        capsfilter = Gst.ElementFactory.make("capsfilter")
        capsfilter.set_property("caps", Gst.Caps.from_string(CAPS))
        sink = Gst.ElementFactory.make("fakesink")
        sink.set_property("sync", False)
        sink.set_property("signal-handoffs", True)
        sink.connect("handoff", self.on_frame)
        for e in (self.src, capsfilter, sink):
            self.pipeline.add(e)
        self.src.link(capsfilter)
        capsfilter.link(sink)
        bus = self.pipeline.get_bus()
        bus.add_signal_watch()
        bus.connect("message", self.on_message)

    def on_frame(self, sink, buf, pad):
        """Streaming thread: count, and at the chosen frame pull the cable."""
        self.received += 1
        if self.received == self.fail_after:
            GLib.idle_add(self.pull_cable)
        if self.received == self.frames:
            GLib.idle_add(self.loop.quit)

    def pull_cable(self):
        print("camera-switch: pulling the cable of", self.path())
        self.src.set_property("extra-controls",
                              Gst.Structure.from_string("c,disconnect=1")[0])
        return False

    def on_message(self, bus, msg):
        if msg.type == Gst.MessageType.WARNING:
            err, debug = msg.parse_warning()
            self.warnings.append(err.message)
            print(f"camera-switch: warning from {msg.src.get_name()}: "
                  f"{err.message} (carrying on)")
        elif msg.type == Gst.MessageType.ERROR:
            err, debug = msg.parse_error()
            self.error = err
            print(f"camera-switch: error from {msg.src.get_name()} "
                  f"({err.domain} {err.code}): "
                  f"{err.message}")
            if debug:
                print(f"camera-switch:   debug: {debug}")
            self.loop.quit()
        elif msg.type == Gst.MessageType.EOS:
            self.loop.quit()

    def path(self):
        return self.src.get_property("device")

    def run(self):
        print(f"camera-switch: capturing from {self.device.get_display_name()} "
              f"({self.path()})")
        # on a failure to start, the error message on the bus tells why
        self.pipeline.set_state(Gst.State.PLAYING)
        self.loop.run()
        self.stats = stats_of(self.src)
        self.pipeline.set_state(Gst.State.NULL)
        self.pipeline.get_bus().remove_signal_watch()
        print(f"camera-switch: {self.path()}: {self.received} frames received; "
              f"stats captured {self.stats.get('captured')}, dropped "
              f"{self.stats.get('dropped')}, bytes copied "
              f"{self.stats.get('bytes-copied')}")
        return self


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--frames", type=int, default=60)
    parser.add_argument("--fail-first", action="store_true",
                        help="pull the first camera's cable halfway")
    parser.add_argument("--expect-warning", metavar="TEXT",
                        help="fail unless a warning message containing TEXT came")
    args = parser.parse_args()
    sys.excepthook = excepthook
    Gst.init(None)

    cameras = find_cameras()
    print(f"camera-switch: the device monitor found {len(cameras)} camera(s):")
    for dev in cameras:
        print(f"  {dev.get_display_name()}: "
              f"{dev.get_properties().get_string('device.path')}")
    if len(cameras) < (2 if args.fail_first else 1):
        print("camera-switch: not enough cameras", file=sys.stderr)
        return 1

    runs = []
    for i, dev in enumerate(cameras):
        fail_after = args.frames // 2 if args.fail_first and i == 0 else 0
        runs.append(Capture(dev, args.frames, fail_after).run())
        if fail_after and runs[-1].error:
            print("camera-switch: switching to the next camera")

    ok = True
    for i, r in enumerate(runs):
        failed_on_purpose = args.fail_first and i == 0
        if failed_on_purpose and r.error is None:
            print(f"FAIL: {r.path()}: no error after its cable was pulled")
            ok = False
        if not failed_on_purpose and (r.error or r.received != args.frames):
            print(f"FAIL: {r.path()}: {r.received} of {args.frames} frames"
                  + (f", error: {r.error.message}" if r.error else ""))
            ok = False
        if r.stats.get("bytes-copied") != 0:
            print(f"FAIL: {r.path()}: {r.stats.get('bytes-copied')} bytes copied")
            ok = False
    warnings = [w for r in runs for w in r.warnings]
    if args.expect_warning and not any(args.expect_warning in w for w in warnings):
        print(f"FAIL: no warning with '{args.expect_warning}' (got {warnings})")
        ok = False
    if callback_errors:
        print(f"FAIL: {len(callback_errors)} exception(s) in callbacks: {callback_errors}")
        ok = False
    print("camera-switch:", "PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
