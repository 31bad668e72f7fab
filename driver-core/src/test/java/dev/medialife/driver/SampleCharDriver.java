package dev.medialife.driver;

import dev.medialife.kernel.Errno;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import dev.medialife.kernel.wait.WaitQueueHead;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A small character driver written the way the media lifetime memo asks: its per-device state is
 * refcounted (not devm), each open file holds a reference through the node device, every file
 * operation goes through an {@link UnplugGate}, and remove unplugs before it deletes the node.
 * Files that outlive the unbind get {@code -ENODEV}; the memory goes at the last close.
 */
final class SampleCharDriver implements DeviceDriver.Ops {
  /** The ioctl the sample answers: reads a counter into the argument. */
  static final int SAMPLE_GET = Ioc.ior('S', 1, 4);

  /** The ioctl's argument. */
  static final class Value implements IoctlArg<Value> {
    int value;

    @Override
    public Value copy() {
      Value v = new Value();
      v.value = value;
      return v;
    }

    @Override
    public void copyFrom(Value other) {
      value = other.value;
    }
  }

  /** The per-device state: owns the node device, the cdev and the gate. */
  static final class SampleDev implements FileOperations {
    final Allocation mem;
    final Device node;
    final Cdev cdev;
    final UnplugGate gate;
    final WaitQueueHead events;
    final AtomicInteger calls = new AtomicInteger();
    final int region;

    SampleDev(Kernel kernel, Allocation mem, int region, String name, @Nullable Module owner) {
      this.mem = mem;
      this.region = region;
      this.node = new Device(kernel, this, mem, name);
      this.cdev = new Cdev(this, owner);
      this.gate = new UnplugGate(name);
      this.events = new WaitQueueHead(name + ".events");
      node.setDevt(region);
      node.setRelease(SampleDev::release);
    }

    private static void release(Device node) {
      SampleDev sd = node.container(SampleDev.class);
      sd.node.kernel().unregisterChrdevRegion(sd.region, 1);
      Kmem.kfree(sd.mem, "sample_release");
    }

    @Override
    public int open(File file) {
      if (!gate.enter()) {
        return -Errno.ENODEV;
      }
      try {
        mem.check("sample_open");
        file.setPrivateData(this);
        return 0;
      } finally {
        gate.exit();
      }
    }

    @Override
    public int ioctl(File file, int cmd, @Nullable IoctlArg<?> arg) {
      if (!gate.enter()) {
        return -Errno.ENODEV;
      }
      try {
        mem.check("sample_ioctl");
        if (cmd != SAMPLE_GET || !(arg instanceof Value v)) {
          return -Errno.ENOIOCTLCMD;
        }
        v.value = calls.incrementAndGet();
        return 0;
      } finally {
        gate.exit();
      }
    }

    @Override
    public int poll(File file, PollTable table) {
      if (!gate.enter()) {
        return POLLERR | POLLHUP;
      }
      try {
        mem.check("sample_poll");
        table.pollWait(file, events);
        return calls.get() > 0 ? POLLIN : 0;
      } finally {
        gate.exit();
      }
    }

    @Override
    public int release(File file) {
      mem.check("sample_release_file");
      return 0;
    }
  }

  private final @Nullable Module owner;

  SampleCharDriver(@Nullable Module owner) {
    this.owner = owner;
  }

  @Override
  public int probe(Device dev) {
    Kernel k = dev.kernel();
    int region = k.allocChrdevRegion(0, 1, "sample");
    if (region < 0) {
      return region;
    }
    Allocation mem = Kmem.kzalloc("sample_dev", dev.name());
    if (mem == null) {
      k.unregisterChrdevRegion(region, 1);
      return -Errno.ENOMEM;
    }
    SampleDev sd = new SampleDev(k, mem, region, "sample-" + dev.name(), owner);
    int ret = sd.cdev.deviceAdd(sd.node);
    if (ret != 0) {
      sd.node.put(); // the release frees the region and the memory
      return ret;
    }
    dev.setDrvdata(sd);
    return 0;
  }

  @Override
  public void remove(Device dev) {
    SampleDev sd = dev.drvdata(SampleDev.class);
    if (sd == null) {
      return;
    }
    sd.gate.unplug(sd.events::wakeUpAll);
    sd.cdev.deviceDel(sd.node);
    sd.node.put();
  }
}
