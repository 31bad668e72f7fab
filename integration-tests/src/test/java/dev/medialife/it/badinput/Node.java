package dev.medialife.it.badinput;

import dev.medialife.cli.Board;
import dev.medialife.driver.File;

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
  PCM("PCM capture (snd-usb-audio)", Board.Kind.USBTV, File.O_RDWR | File.O_NONBLOCK);

  private final String label;
  private final Board.Kind board;
  private final int openFlags;

  Node(String label, Board.Kind board, int openFlags) {
    this.label = label;
    this.board = board;
    this.openFlags = openFlags;
  }

  /** The name in the document's table. */
  String label() {
    return label;
  }

  /** The board that has the node. */
  Board.Kind board() {
    return board;
  }

  /** The flags the row's descriptor is opened with. */
  int openFlags() {
    return openFlags;
  }
}
