package dev.medialife.drivers.hantro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.driver.File;
import dev.medialife.driver.Task;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.config.PatchSwitch;
import dev.medialife.hw.imx8m.Imx8mSoc;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.mc.MediaDevice;
import dev.medialife.mc.MediaDevnode;
import dev.medialife.mc.uapi.MediaDeviceInfo;
import dev.medialife.mc.uapi.MediaUapi;
import org.junit.jupiter.api.Test;

/**
 * The Hantro driver under the media lifetime rules: its media device lives in an allocation of
 * its own, so a {@code /dev/mediaN} held across an unbind keeps the media device (and the devnode
 * embedded in it) alive until the last close, while devres frees {@code hantro_dev} at the unbind.
 * In mainline the media device stays embedded in {@code hantro_dev}.
 */
@Sanitized
class HantroMediaLifetimeTest {

  @Test
  void aMediaFdHeldAcrossTheUnbindKeepsTheMediaDeviceUntilTheLastClose() {
    try (HantroBed bed = new HantroBed(Imx8mSoc.IMX8MQ)) {
      HantroDev g1 = bed.vpu(HantroBed.G1);
      MediaDevice mdev = g1.mediaDevice();
      Allocation own = g1.mdevMem();
      assertNotSame(g1.mem(), own, "converted: not embedded in the devm hantro_dev");
      MediaDevnode dn = mdev.devnode();
      assertNotNull(dn);
      Task app = new Task(bed.kernel, "media_device_test");
      int fd = app.open(dn.path(), File.O_RDWR);
      assertTrue(fd >= 0, "open: " + fd);
      assertEquals(0, app.ioctl(fd, MediaUapi.MEDIA_IOC_DEVICE_INFO, new MediaDeviceInfo()));

      Allocation hantroDev = g1.mem();
      assertEquals(0, bed.unbind(HantroBed.G1));
      assertFalse(hantroDev.isLive(), "devres freed hantro_dev at the unbind");
      assertTrue(own.isLive(), "the open file keeps the media device");
      assertEquals(-Errno.EIO,
          app.ioctl(fd, MediaUapi.MEDIA_IOC_DEVICE_INFO, new MediaDeviceInfo()));

      assertEquals(0, app.close(fd));
      assertFalse(own.isLive(), "the release at the last close freed it");
      assertEquals(0, bed.bind(HantroBed.G1));
      assertTrue(bed.vpu(HantroBed.G1).mediaDevice().isRegistered());
    }
  }

  @Test
  void withoutAnyFdTheUnbindFreesTheMediaDevice() {
    try (HantroBed bed = new HantroBed(Imx8mSoc.IMX8MQ)) {
      Allocation own = bed.vpu(HantroBed.G2).mdevMem();
      assertEquals(0, bed.unbind(HantroBed.G2));
      assertFalse(own.isLive());
    }
  }

  @Test
  void mainlineKeepsTheMediaDeviceEmbeddedInHantroDev() {
    PatchSwitch.MEDIA_LIFETIME.set(false);
    try (HantroBed bed = new HantroBed(Imx8mSoc.IMX8MQ)) {
      HantroDev g1 = bed.vpu(HantroBed.G1);
      assertSame(g1.mem(), g1.mdevMem());
    }
  }
}
