package dev.medialife.drivers.hantro;

import dev.medialife.driver.of.OfDeviceId;
import dev.medialife.kernel.meta.KernelSymbol;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Per-SoC data of one decoder core ({@code struct hantro_variant}), the match data of the driver's
 * compatible table.
 *
 * @param name a short name for logs and traces, e.g. "imx8mq-vpu-g1"
 * @param core the register layout of the core
 * @param codecs the coded formats it decodes, the first being the default
 * @param irqName the name of its interrupt ({@code irqs[0].name})
 * @param sharedDevices the compatibles of the cores that must share one scheduler with this one,
 *     in the kernel a sentinel-terminated {@code of_device_id} array; null when the core shares
 *     nothing
 * @param deprecated true for the combined "nxp,imx8mq-vpu" binding, which warns at probe
 */
@KernelSymbol("hantro_variant")
public record HantroVariant(
    String name,
    HantroCodec.Core core,
    List<HantroCodec> codecs,
    String irqName,
    @Nullable List<OfDeviceId> sharedDevices,
    boolean deprecated) {

  /** The table both i.MX8MQ cores point to: G1 and G2 share one scheduler. */
  @KernelSymbol("imx8mq_vpu_shared_resources")
  public static final List<OfDeviceId> IMX8MQ_SHARED =
      List.of(new OfDeviceId("nxp,imx8mq-vpu-g1", null), new OfDeviceId("nxp,imx8mq-vpu-g2", null));

  private static final List<HantroCodec> G1_CODECS =
      List.of(HantroCodec.H264, HantroCodec.MPEG2, HantroCodec.VP8);
  private static final List<HantroCodec> G2_CODECS = List.of(HantroCodec.HEVC, HantroCodec.VP9);

  /** i.MX8MQ G1. */
  @KernelSymbol("imx8mq_vpu_g1_variant")
  public static final HantroVariant IMX8MQ_G1 =
      new HantroVariant("imx8mq-vpu-g1", HantroCodec.Core.G1, G1_CODECS, "g1", IMX8MQ_SHARED,
          false);

  /** i.MX8MQ G2; also the i.MX8MP G2, whose node carries the same compatible. */
  @KernelSymbol("imx8mq_vpu_g2_variant")
  public static final HantroVariant IMX8MQ_G2 =
      new HantroVariant("imx8mq-vpu-g2", HantroCodec.Core.G2, G2_CODECS, "g2", IMX8MQ_SHARED,
          false);

  /** i.MX8MM G1 (also the i.MX8MP G1): independent, no sharing. */
  @KernelSymbol("imx8mm_vpu_g1_variant")
  public static final HantroVariant IMX8MM_G1 =
      new HantroVariant("imx8mm-vpu-g1", HantroCodec.Core.G1, G1_CODECS, "g1", null, false);

  /** i.MX8MM G2: independent, no sharing. */
  @KernelSymbol("imx8mm_vpu_g2_variant")
  public static final HantroVariant IMX8MM_G2 =
      new HantroVariant("imx8mm-vpu-g2", HantroCodec.Core.G2, G2_CODECS, "g2", null, false);

  /** The deprecated combined i.MX8MQ binding: G1 codecs only, no sharing. */
  @KernelSymbol("imx8mq_vpu_variant")
  public static final HantroVariant IMX8MQ_COMBINED =
      new HantroVariant("imx8mq-vpu", HantroCodec.Core.G1, G1_CODECS, "g1", null, true);

  /** The driver's compatible table ({@code of_hantro_match}), i.MX8M entries. */
  @KernelSymbol("of_hantro_match")
  public static final List<OfDeviceId> OF_MATCH =
      List.of(
          new OfDeviceId("nxp,imx8mq-vpu", IMX8MQ_COMBINED),
          new OfDeviceId("nxp,imx8mq-vpu-g1", IMX8MQ_G1),
          new OfDeviceId("nxp,imx8mq-vpu-g2", IMX8MQ_G2),
          new OfDeviceId("nxp,imx8mm-vpu-g1", IMX8MM_G1),
          new OfDeviceId("nxp,imx8mm-vpu-g2", IMX8MM_G2));

  /**
   * Copies the codec list.
   */
  public HantroVariant {
    codecs = List.copyOf(codecs);
    sharedDevices = sharedDevices == null ? null : List.copyOf(sharedDevices);
  }

  /**
   * The coded format with a fourcc, if this core decodes it.
   *
   * @param fourcc the pixel format
   * @return the codec, or null
   */
  @KernelSymbol("hantro_find_format")
  public @Nullable HantroCodec find(int fourcc) {
    for (HantroCodec c : codecs) {
      if (c.fourcc() == fourcc) {
        return c;
      }
    }
    return null;
  }
}
