package dev.medialife.v4l2;

import dev.medialife.kernel.Errno;
import dev.medialife.v4l2.uapi.V4l2MbusFramefmt;
import dev.medialife.v4l2.uapi.V4l2SubdevFormat;
import dev.medialife.v4l2.uapi.V4l2SubdevMbusCodeEnum;
import dev.medialife.v4l2.uapi.V4l2SubdevUapi;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The pad operations of a raw sensor for the tests, written the way a state-based driver does:
 * formats live in the state the core passes (the file's TRY state or the active one), set_fmt
 * adjusts the request to what the sensor can do (two Bayer codes, even sizes within bounds), and
 * the counters show which calls reached the driver past the core's checks.
 */
final class SensorPadOps {
  static final int DEFAULT_WIDTH = 640;
  static final int DEFAULT_HEIGHT = 480;
  static final int MAX = 4096;
  static final int[] CODES = {
    V4l2SubdevUapi.MEDIA_BUS_FMT_SRGGB10_1X10, V4l2SubdevUapi.MEDIA_BUS_FMT_SRGGB8_1X8
  };

  final AtomicInteger calls = new AtomicInteger();

  private SensorPadOps() {}

  /** A full table: get_fmt, set_fmt and enum_mbus_code. */
  static V4l2SubdevPadOps table(SensorPadOps s) {
    return new V4l2SubdevPadOps(s::getFmt, s::setFmt, s::enumMbusCode);
  }

  static SensorPadOps make() {
    return new SensorPadOps();
  }

  private @Nullable V4l2MbusFramefmt stored(@Nullable V4l2SubdevState state, int pad) {
    return state == null ? null : state.format(pad);
  }

  int getFmt(V4l2Subdev sd, @Nullable V4l2SubdevState state, V4l2SubdevFormat f) {
    calls.incrementAndGet();
    V4l2MbusFramefmt cur = stored(state, f.pad);
    if (cur == null) {
      return -Errno.EINVAL;
    }
    f.format.set(cur);
    return 0;
  }

  int setFmt(V4l2Subdev sd, @Nullable V4l2SubdevState state, V4l2SubdevFormat f) {
    calls.incrementAndGet();
    V4l2MbusFramefmt cur = stored(state, f.pad);
    if (cur == null) {
      return -Errno.EINVAL;
    }
    f.format.width = Math.min(Math.max(f.format.width & ~1, 2), MAX);
    f.format.height = Math.min(Math.max(f.format.height & ~1, 2), MAX);
    if (f.format.code != CODES[0] && f.format.code != CODES[1]) {
      f.format.code = CODES[0];
    }
    cur.set(f.format);
    return 0;
  }

  int enumMbusCode(V4l2Subdev sd, @Nullable V4l2SubdevState state, V4l2SubdevMbusCodeEnum c) {
    calls.incrementAndGet();
    if (c.index < 0 || c.index >= CODES.length) {
      return -Errno.EINVAL;
    }
    c.code = CODES[c.index];
    return 0;
  }
}
