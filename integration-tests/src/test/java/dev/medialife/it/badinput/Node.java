package dev.medialife.it.badinput;

import dev.medialife.cli.Board;
import dev.medialife.driver.File;
import org.jspecify.annotations.Nullable;

/** The device nodes the table covers, each on the board that has it. */
enum Node {
  /** The USB stick's media devnode, shared by au0828 and snd-usb-audio through the allocator. */
  MEDIA("media devnode (stick)", Board.Kind.USBTV, File.O_RDWR),
  /** Hantro G1's media devnode, whose m2m graph has immutable links. */
  MEDIA_M2M("media devnode (Hantro G1)", Board.Kind.IMX8MQ, File.O_RDWR),
  /** au0828's video capture node. */
  CAPTURE("video capture (au0828)", Board.Kind.USBTV, File.O_RDWR | File.O_NONBLOCK),
  /** Hantro G1's stateless decoder node on the i.MX8MQ. */
  M2M("m2m decoder (Hantro G1)", Board.Kind.IMX8MQ, File.O_RDWR | File.O_NONBLOCK),
  /** snd-usb-audio's capture PCM. */
  PCM("PCM capture (snd-usb-audio)", Board.Kind.USBTV, File.O_RDWR | File.O_NONBLOCK),
  /**
   * A raw sensor's {@code v4l-subdev} node with two pads and an active state, registered by a
   * bridge driver on a bare kernel (no sample board registers sub-device nodes): the fuzz
   * package's {@code SubdevRig}.
   */
  SUBDEV("sub-device (raw sensor)", null, File.O_RDWR);

  private final String label;
  private final Board.@Nullable Kind board;
  private final int openFlags;

  Node(String label, Board.@Nullable Kind board, int openFlags) {
    this.label = label;
    this.board = board;
    this.openFlags = openFlags;
  }

  /** The name in the document's table. */
  String label() {
    return label;
  }

  /** The board that has the node; null for the sub-device, which has a rig of its own. */
  Board.@Nullable Kind board() {
    return board;
  }

  /** The flags the row's descriptor is opened with. */
  int openFlags() {
    return openFlags;
  }
}
