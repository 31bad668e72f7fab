package dev.medialife.v4l2.vb2;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.medialife.driver.BusType;
import dev.medialife.driver.Cdev;
import dev.medialife.driver.Device;
import dev.medialife.driver.File;
import dev.medialife.driver.FileOperations;
import dev.medialife.driver.Kernel;
import dev.medialife.driver.PollTable;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import java.util.Objects;

/**
 * A character device node whose poll is {@link Vb2Queue#poll}, so that tests can sleep in a real
 * {@code poll()} syscall ({@link dev.medialife.driver.Task#poll}).
 */
final class PollNode {
  final Kernel kernel = new Kernel();
  final String path;
  private final Allocation mem;
  private final Device dev;
  private final Cdev cdev;

  PollNode(Vb2Queue q, String name) {
    BusType bus = new BusType("vb2test", (d, drv) -> false);
    assertEquals(0, kernel.busRegister(bus));
    mem = Objects.requireNonNull(Kmem.kzalloc("test_node", name));
    dev = new Device(kernel, this, mem, name);
    dev.setBus(bus);
    dev.setRelease(d -> Kmem.kfree(mem, "test_node_release"));
    dev.setDevt(kernel.allocChrdevRegion(0, 1, name));
    cdev =
        new Cdev(
            new FileOperations() {
              @Override
              public int poll(File file, PollTable table) {
                return q.poll(file, table);
              }
            },
            null);
    assertEquals(0, cdev.deviceAdd(dev));
    path = "/dev/" + name;
  }

  void remove() {
    cdev.deviceDel(dev);
    dev.put();
  }
}
