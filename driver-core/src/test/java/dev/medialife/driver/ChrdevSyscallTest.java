package dev.medialife.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.kernel.Errno;
import dev.medialife.kernel.debug.Report;
import dev.medialife.kernel.debug.ReportKind;
import dev.medialife.kernel.debug.SanitizerScope;
import dev.medialife.kernel.fault.FaultInjection;
import dev.medialife.kernel.locking.Mutex;
import dev.medialife.kernel.testing.ExpectReports;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.kernel.wait.WaitQueueHead;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Character device numbers, cdevs, /dev and the system calls of a task. */
@Sanitized
@Timeout(30)
class ChrdevSyscallTest {
  private final TestBed bed = new TestBed();
  private final Module mod = new Module("sample_drv");

  @Test
  void dynamicMajorsComeFrom254DownThenFrom511Down() {
    int first = bed.kernel.allocChrdevRegion(0, 4, "a");
    assertEquals(DevT.mkdev(254, 0), first);
    assertEquals(DevT.mkdev(253, 2), bed.kernel.allocChrdevRegion(2, 1, "b"));
    for (int m = 252; m >= 234; m--) {
      assertEquals(m, DevT.major(bed.kernel.allocChrdevRegion(0, 1, "fill")));
    }
    assertEquals(511, DevT.major(bed.kernel.allocChrdevRegion(0, 1, "ext")));
    bed.kernel.unregisterChrdevRegion(first, 4);
    assertEquals(254, DevT.major(bed.kernel.allocChrdevRegion(0, 1, "again")));
    assertTrue(bed.kernel.chrdevList().contains("254 again"));
    for (int m = 510; m >= 384; m--) {
      assertEquals(m, DevT.major(bed.kernel.allocChrdevRegion(0, 1, "ext")));
    }
    assertEquals(-Errno.EBUSY, bed.kernel.allocChrdevRegion(0, 1, "none left"));
  }

  @Test
  void aSubsystemsStateIsCreatedOncePerKernelByItsInitcall() {
    AtomicInteger initcalls = new AtomicInteger();
    java.util.function.Function<Kernel, int[]> init =
        k -> {
          initcalls.incrementAndGet();
          return new int[] {k.allocChrdevRegion(0, 256, "media")};
        };
    int[] first = bed.kernel.subsystem(int[].class, init);
    assertSame(first, bed.kernel.subsystem(int[].class, init));
    assertEquals(1, initcalls.get());
    assertEquals(DevT.mkdev(254, 0), first[0]);
    int[] other = new Kernel().subsystem(int[].class, init);
    assertEquals(2, initcalls.get());
    assertNotSame(first, other);
  }

  @Test
  void regionsAreValidatedAndMayNotOverlap() {
    assertEquals(-Errno.EINVAL, bed.kernel.allocChrdevRegion(0, 0, "empty"));
    assertEquals(-Errno.EINVAL, bed.kernel.allocChrdevRegion(1, DevT.MINORMASK + 1, "too many"));
    assertEquals(0, bed.kernel.registerChrdevRegion(DevT.mkdev(81, 0), 64, "video4linux"));
    assertEquals(-Errno.EBUSY, bed.kernel.registerChrdevRegion(DevT.mkdev(81, 63), 2, "clash"));
    assertEquals(0, bed.kernel.registerChrdevRegion(DevT.mkdev(81, 64), 2, "next"));
    assertEquals(-Errno.EINVAL, bed.kernel.registerChrdevRegion(DevT.mkdev(512, 0), 1, "big"));
    assertEquals(-Errno.EINVAL, bed.kernel.registerChrdevRegion(DevT.mkdev(0, 0), 1, "zero"));
    assertEquals("81:64", DevT.format(DevT.mkdev(81, 64)));
  }

  /** A node with configurable file operations, added under /dev/NAME with the module as owner. */
  private TestBed.PlainDevice node(String name, FileOperations fops) {
    int devt = bed.kernel.allocChrdevRegion(0, 1, name);
    TestBed.PlainDevice p = new TestBed.PlainDevice(bed.kernel, bed.bus, name);
    p.dev.setDevt(devt);
    Cdev cdev = new Cdev(fops, mod);
    assertEquals(0, cdev.deviceAdd(p.dev));
    assertSame(mod, cdev.owner());
    return p;
  }

  private static void removeNode(TestBed.PlainDevice p, Cdev cdev) {
    cdev.deviceDel(p.dev);
    p.dev.put();
  }

  /** A Value argument as in the sample driver. */
  private static SampleCharDriver.Value value(int v) {
    SampleCharDriver.Value x = new SampleCharDriver.Value();
    x.value = v;
    return x;
  }

  @Test
  void openIoctlCloseWithCopyInAndCopyOutOnlyOnSuccess() {
    FileOperations fops =
        new FileOperations() {
          @Override
          public int ioctl(File file, int cmd, @Nullable IoctlArg<?> arg) {
            SampleCharDriver.Value v = (SampleCharDriver.Value) arg;
            assertNotNull(v);
            v.value += 1;
            return cmd == 1 ? 0 : -Errno.EINVAL;
          }
        };
    TestBed.PlainDevice p = node("n0", fops);
    Cdev cdev = bed.kernel.cdevLookup(p.dev.devt());
    assertNotNull(cdev);
    Task t = new Task(bed.kernel, "app");
    int fd = t.open("/dev/n0", File.O_RDWR);
    assertEquals(3, fd);
    assertEquals(1, mod.refcount(), "an open file pins the module");
    assertEquals(2, p.dev.refcount(), "and the node device");
    SampleCharDriver.Value v = value(10);
    assertEquals(0, t.ioctl(fd, 1, v));
    assertEquals(11, v.value);
    assertEquals(-Errno.EINVAL, t.ioctl(fd, 2, v));
    assertEquals(11, v.value, "not copied back on error");
    assertEquals(-Errno.EBADF, t.ioctl(99, 1, v));
    assertEquals(-Errno.EBUSY, mod.unload());
    assertEquals(0, t.close(fd));
    assertEquals(-Errno.EBADF, t.close(fd));
    assertEquals(0, mod.refcount());
    removeNode(p, cdev);
  }

  @Test
  void defaultsOfAnEmptyFileOperationsTable() {
    TestBed.PlainDevice p = node("n1", new FileOperations() {});
    Cdev cdev = bed.kernel.cdevLookup(p.dev.devt());
    assertNotNull(cdev);
    Task t = new Task(bed.kernel, "app");
    int fd = t.open("/dev/n1", File.O_RDONLY);
    assertEquals(-Errno.ENOTTY, t.ioctl(fd, 5, null));
    assertEquals(FileOperations.POLLIN, t.poll(fd, FileOperations.POLLIN, 0));
    assertEquals(-Errno.EINVAL, t.read(fd, new byte[4]));
    assertEquals(-Errno.EBADF, t.read(42, new byte[4]));
    assertEquals(-Errno.EBADF, t.poll(42, FileOperations.POLLIN, 0));
    assertEquals(List.of(fd), t.fds());
    assertEquals(1, t.exit());
    assertEquals(List.of(), t.fds());
    removeNode(p, cdev);
  }

  @Test
  void openErrors() {
    Task t = new Task(bed.kernel, "app");
    assertEquals(-Errno.ENOENT, t.open("/dev/nothing", 0));
    TestBed.PlainDevice p = node("n2", new FileOperations() {
      @Override
      public int open(File file) {
        return file.nonBlocking() ? -Errno.EAGAIN : 0;
      }
    });
    Cdev cdev = bed.kernel.cdevLookup(p.dev.devt());
    assertNotNull(cdev);
    assertEquals(-Errno.EAGAIN, t.open("/dev/n2", File.O_NONBLOCK));
    assertEquals(0, mod.refcount(), "a failed open drops its references");
    FaultInjection.failPoint("kmalloc", 1);
    assertEquals(-Errno.ENOMEM, t.open("/dev/n2", 0));
    cdev.del();
    assertEquals(-Errno.ENXIO, t.open("/dev/n2", 0), "node still there, cdev gone");
    p.dev.del();
    assertEquals(-Errno.ENOENT, t.open("/dev/n2", 0));
    p.dev.put();
    Module gone = new Module("gone");
    Cdev orphan = new Cdev(new FileOperations() {}, gone);
    TestBed.PlainDevice q = new TestBed.PlainDevice(bed.kernel, bed.bus, "n3");
    q.dev.setDevt(bed.kernel.allocChrdevRegion(0, 1, "n3"));
    assertEquals(0, orphan.deviceAdd(q.dev));
    assertEquals(0, gone.unload());
    assertEquals(-Errno.ENXIO, t.open("/dev/n3", 0), "the module is unloading");
    removeNode(q, orphan);
  }

  @Test
  void cdevAndDeviceAddFailuresUnwind() {
    TestBed.PlainDevice p = new TestBed.PlainDevice(bed.kernel, bed.bus, "n4");
    p.dev.setDevt(DevT.mkdev(300, 0));
    Cdev cdev = new Cdev(new FileOperations() {}, null);
    FaultInjection.failPoint(Cdev.FAULT_ADD, 1);
    assertEquals(-Errno.ENOMEM, cdev.deviceAdd(p.dev));
    FaultInjection.failPoint(Device.FAULT_ADD, 1);
    assertEquals(-Errno.ENOMEM, cdev.deviceAdd(p.dev));
    assertNull(bed.kernel.cdevLookup(DevT.mkdev(300, 0)));
    Cdev other = new Cdev(new FileOperations() {}, null);
    assertEquals(0, other.add(bed.kernel, DevT.mkdev(300, 0), 1));
    assertEquals(-Errno.EBUSY, cdev.deviceAdd(p.dev));
    other.del();
    other.del();
    assertTrue(cdev.toString().startsWith("cdev"));
    p.dev.put();
  }

  @Test
  void descriptorsStartAtThreeReuseTheLowestAndStopAtTheLimit() {
    TestBed.PlainDevice p = node("n5", new FileOperations() {});
    Cdev cdev = bed.kernel.cdevLookup(p.dev.devt());
    assertNotNull(cdev);
    Task t = new Task(bed.kernel, "app");
    assertEquals(3, t.open("/dev/n5", 0));
    assertEquals(4, t.open("/dev/n5", 0));
    assertEquals(0, t.close(3));
    assertEquals(3, t.open("/dev/n5", 0));
    for (int fd = 5; fd < Task.NOFILE; fd++) {
      assertEquals(fd, t.open("/dev/n5", 0));
    }
    assertEquals(-Errno.EMFILE, t.open("/dev/n5", 0));
    assertEquals(Task.NOFILE - 3, t.exit());
    assertEquals(0, mod.refcount());
    removeNode(p, cdev);
  }

  @Test
  void aSignalEndsABlockingPollWithEintr() throws Exception {
    WaitQueueHead never = new WaitQueueHead("never");
    TestBed.PlainDevice p = node("n6", new FileOperations() {
      @Override
      public int poll(File file, PollTable table) {
        table.pollWait(file, never);
        table.pollWait(file, never);
        return 0;
      }
    });
    Cdev cdev = bed.kernel.cdevLookup(p.dev.devt());
    assertNotNull(cdev);
    Task t = new Task(bed.kernel, "app");
    int fd = t.open("/dev/n6", 0);
    AtomicInteger result = new AtomicInteger(1);
    CountDownLatch started = new CountDownLatch(1);
    Thread th = new Thread(() -> {
      started.countDown();
      result.set(t.poll(fd, FileOperations.POLLIN, -1));
    }, "poller");
    th.start();
    assertTrue(started.await(10, TimeUnit.SECONDS));
    t.kill();
    th.join(10_000);
    assertEquals(-Errno.EINTR, result.get());
    assertEquals(0, t.poll(fd, FileOperations.POLLIN, 1_000), "a timed poll times out");
    t.kill();
    assertEquals(-Errno.EINTR, t.poll(fd, FileOperations.POLLIN, -1), "a pending signal");
    assertEquals(0, t.poll(fd, FileOperations.POLLIN, 0));
    assertEquals(0, t.close(fd));
    assertEquals("app", t.comm());
    removeNode(p, cdev);
  }

  @Test
  void pollWakesWhenTheDriverSignalsReadiness() throws Exception {
    WaitQueueHead wq = new WaitQueueHead("ready");
    AtomicInteger ready = new AtomicInteger();
    TestBed.PlainDevice p = node("n7", new FileOperations() {
      @Override
      public int poll(File file, PollTable table) {
        table.pollWait(file, wq);
        return ready.get() != 0 ? POLLIN | POLLRDNORM : 0;
      }
    });
    Cdev cdev = bed.kernel.cdevLookup(p.dev.devt());
    assertNotNull(cdev);
    Task t = new Task(bed.kernel, "app");
    int fd = t.open("/dev/n7", 0);
    AtomicInteger result = new AtomicInteger();
    Thread th = new Thread(() -> result.set(t.poll(fd, FileOperations.POLLIN, -1)), "poller");
    th.start();
    ready.set(1);
    wq.wakeUpAll();
    th.join(10_000);
    assertEquals(FileOperations.POLLIN, result.get());
    t.exit();
    removeNode(p, cdev);
  }

  @Test
  @ExpectReports(ReportKind.LOCK_HELD_AT_USER_RETURN)
  void aLockLeftHeldByADriverIsReportedAtTheReturnToUserspace(SanitizerScope scope) {
    Mutex leaked = new Mutex("sample.ioctl_lock");
    TestBed.PlainDevice p = node("n8", new FileOperations() {
      @Override
      public int ioctl(File file, int cmd, @Nullable IoctlArg<?> arg) {
        leaked.lock();
        return 0;
      }
    });
    Cdev cdev = bed.kernel.cdevLookup(p.dev.devt());
    assertNotNull(cdev);
    Task t = new Task(bed.kernel, "app");
    int fd = t.open("/dev/n8", 0);
    assertEquals(0, t.ioctl(fd, 1, null));
    assertEquals("ioctl", scope.reports(Report.LockHeldAtUserReturn.class).get(0).syscall());
    leaked.unlock();
    t.exit();
    removeNode(p, cdev);
  }

  @Test
  void iocEncodesLikeTheKernel() {
    // VIDIOC_QUERYCAP = _IOR('V', 0, struct v4l2_capability), 104 bytes: 0x80685600.
    assertEquals(0x80685600, Ioc.ior('V', 0, 104));
    assertEquals('V', Ioc.type(Ioc.iowr('V', 5, 8)));
    assertEquals(5, Ioc.nr(Ioc.iow('V', 5, 8)));
  }
}
