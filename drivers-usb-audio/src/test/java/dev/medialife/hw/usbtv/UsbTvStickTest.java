package dev.medialife.hw.usbtv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.driver.Kernel;
import dev.medialife.driver.io.RegisterFile;
import dev.medialife.driver.irq.IrqReturn;
import dev.medialife.driver.usb.UsbCore;
import dev.medialife.driver.usb.UsbDevice;
import dev.medialife.driver.usb.UsbHost;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.kernel.testing.Sync;
import dev.medialife.kernel.time.ManualClock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The stick on its own: enumeration, registers, production steps, clock and the detector. */
@Sanitized
@Timeout(60)
class UsbTvStickTest {
  private final Kernel kernel = new Kernel();
  private final UsbCore core = notNull(UsbCore.register(kernel));
  private final UsbHost host = core.addHost(1, 2);
  private final UsbTvStick stick = new UsbTvStick("HVR-950Q", "SN1", 0x0100);
  private final RegisterFile regs = stick.region().hw();
  private final AtomicInteger videoIrqs = new AtomicInteger();
  private final AtomicInteger audioIrqs = new AtomicInteger();
  private final Allocation cookie = notNull(Kmem.kzalloc("test_cookie", "irq"));

  private static <T> T notNull(@Nullable T t) {
    assertNotNull(t);
    return t;
  }

  private void lines() {
    assertEquals(0, stick.irqChip().requestIrq(UsbTvStick.LINE_VIDEO, (irq, id) -> {
      regs.write(UsbTvStick.REG_IRQ_STATUS, UsbTvStick.IRQ_VIDEO_FRAME);
      videoIrqs.incrementAndGet();
      return IrqReturn.IRQ_HANDLED;
    }, 0, "test-video", cookie));
    assertEquals(0, stick.irqChip().requestIrq(UsbTvStick.LINE_AUDIO, (irq, id) -> {
      regs.write(UsbTvStick.REG_IRQ_STATUS, UsbTvStick.IRQ_AUDIO_PERIOD);
      audioIrqs.incrementAndGet();
      return IrqReturn.IRQ_HANDLED;
    }, 0, "test-audio", cookie));
  }

  @AfterEach
  void free() {
    if (stick.irqChip().actionCount(UsbTvStick.LINE_VIDEO) > 0) {
      stick.irqChip().freeIrq(UsbTvStick.LINE_VIDEO, cookie);
      stick.irqChip().freeIrq(UsbTvStick.LINE_AUDIO, cookie);
    }
    Kmem.kfree(cookie);
  }

  @Test
  void enumeratesWithItsTwoInterfacesAndItsFunction() {
    assertTrue(stick.plug(host, 1) > 0);
    UsbDevice udev = notNull(host.findChild(1));
    assertEquals(2, udev.interfaces().size());
    assertSame(stick.region(), notNull(udev.function()).regs());
    assertSame(stick.irqChip(), notNull(udev.function()).completions());
    assertEquals("HVR-950Q", udev.descriptor().product());
    assertEquals(-Errno.EBUSY, stick.plug(host, 2), "one stick, one port");
    assertTrue(stick.present());
    assertEquals(0, stick.unplug());
    assertEquals(-Errno.ENODEV, stick.unplug());
    assertEquals(0xffffffff, regs.read(UsbTvStick.REG_INPUT), "an unplugged stick reads all ones");
    regs.write(UsbTvStick.REG_VIDEO_CTRL, 1);
    assertTrue(stick.toString().contains("SN1"));
  }

  @Test
  void aFailedEnumerationStopsTheStick() {
    assertEquals(-Errno.EINVAL, stick.plug(host, 9));
    assertFalse(stick.present());
    assertFalse(stick.frame());
  }

  @Test
  void stepsProduceOnlyWhileStreamingAndRaiseTheirLines() {
    lines();
    assertTrue(stick.plug(host, 1) > 0);
    assertFalse(stick.frame(), "not streaming");
    assertFalse(stick.period());
    assertEquals(2, stick.dropped());
    regs.write(UsbTvStick.REG_VIDEO_CTRL, 1);
    regs.write(UsbTvStick.REG_AUDIO_CTRL, 1);
    assertTrue(stick.frame());
    assertTrue(stick.period());
    assertEquals(1, videoIrqs.get());
    assertEquals(1, audioIrqs.get());
    assertEquals(1, regs.read(UsbTvStick.REG_VIDEO_SEQ));
    assertEquals(1, regs.read(UsbTvStick.REG_AUDIO_SEQ));
    assertEquals(0, regs.read(UsbTvStick.REG_IRQ_STATUS), "the handlers acknowledged");
    assertEquals(UsbTvStick.FRAME_BYTES, regs.read(UsbTvStick.REG_FRAME_SIZE));
    assertEquals(UsbTvStick.PERIOD_BYTES, regs.read(UsbTvStick.REG_PERIOD_BYTES));
    assertEquals(1, regs.read(UsbTvStick.REG_VIDEO_CTRL));
    assertEquals(1, regs.read(UsbTvStick.REG_AUDIO_CTRL));
    assertEquals(0, regs.read(UsbTvStick.REG_DTV_CTRL));
    assertEquals(0, regs.read(0x3c), "unknown registers read 0");
    regs.write(UsbTvStick.REG_FRAME_SIZE, 5);
    assertEquals(UsbTvStick.FRAME_BYTES, regs.read(UsbTvStick.REG_FRAME_SIZE), "read only");
    assertEquals(1, stick.framesProduced());
    assertEquals(1, stick.periodsProduced());
    assertEquals(0, stick.unplug());
  }

  @Test
  void theClockDrivesProductionAtTheConfiguredRates() {
    lines();
    ManualClock clock = new ManualClock();
    assertTrue(stick.plug(host, 1) > 0);
    regs.write(UsbTvStick.REG_VIDEO_CTRL, 1);
    regs.write(UsbTvStick.REG_AUDIO_CTRL, 1);
    stick.startClock(clock, Duration.ofMillis(40).toNanos(), Duration.ofMillis(20).toNanos());
    clock.advance(Duration.ofMillis(40));
    Sync.until(() -> stick.framesProduced() == 1 && stick.periodsProduced() == 2, "one tick");
    clock.advance(Duration.ofMillis(80));
    Sync.until(() -> stick.framesProduced() == 3 && stick.periodsProduced() == 6, "more ticks");
    stick.startClock(clock, Duration.ofMillis(10).toNanos(), Duration.ofMillis(10).toNanos());
    assertEquals(2, clock.pendingTimers(), "restarting replaces the timers");
    assertEquals(0, stick.unplug());
    assertEquals(0, clock.pendingTimers(), "unplug cancels them");
    assertEquals(3, videoIrqs.get());
  }

  @Test
  void theDetectorCountsUnarbitratedSecondUsersOfTheTuner() {
    assertTrue(stick.plug(host, 1) > 0);
    regs.write(UsbTvStick.REG_VIDEO_CTRL, 1);
    assertEquals(0, stick.tunerConflicts(), "one user");
    regs.write(UsbTvStick.REG_AUDIO_CTRL, 1);
    assertEquals(1, stick.tunerConflicts(), "audio joins without a route");
    regs.write(UsbTvStick.REG_AUDIO_CTRL, 0);
    regs.write(UsbTvStick.REG_TUNER_ROUTE, UsbTvStick.ROUTE_VIDEO | UsbTvStick.ROUTE_AUDIO);
    assertEquals(UsbTvStick.ROUTE_VIDEO | UsbTvStick.ROUTE_AUDIO,
        regs.read(UsbTvStick.REG_TUNER_ROUTE));
    regs.write(UsbTvStick.REG_AUDIO_CTRL, 1);
    assertEquals(1, stick.tunerConflicts(), "a routed analog share is fine");
    regs.write(UsbTvStick.REG_DTV_CTRL, 1);
    assertEquals(2, stick.tunerConflicts(), "digital on top of analog never is");
    regs.write(UsbTvStick.REG_DTV_CTRL, 0);
    regs.write(UsbTvStick.REG_AUDIO_CTRL, 0);
    regs.write(UsbTvStick.REG_VIDEO_CTRL, 0);
    regs.write(UsbTvStick.REG_INPUT, UsbTvStick.INPUT_COMPOSITE);
    regs.write(UsbTvStick.REG_VIDEO_CTRL, 1);
    regs.write(UsbTvStick.REG_DTV_CTRL, 1);
    assertEquals(2, stick.tunerConflicts(), "composite video does not use the tuner");
    regs.write(UsbTvStick.REG_AUDIO_CTRL, 1);
    assertEquals(2, stick.tunerConflicts(), "nor does line audio");
    assertEquals(0, stick.unplug());
  }
}
