package dev.medialife.it.badinput;

import dev.medialife.kernel.Errno;

/**
 * One row of the bad-input table: on {@code node}, the call {@code ioctl} with {@code field} set
 * to {@code value} returns {@code -errno}, as the kernel function named in {@code kernel} does.
 *
 * @param node the node
 * @param ioctl the call as the table names it ("SETUP_LINK", "read", "open", …)
 * @param cmd the ioctl command the row exercises, or 0 for a call that is not an ioctl; the
 *     coverage test checks every command the model implements has a row
 * @param field the malformed field, or the state that makes the call wrong
 * @param value the bad value
 * @param errno the expected errno, positive
 * @param kernel where the kernel returns it, "function → ERRNO"
 * @param call makes the setup calls and then the malformed one, returning its result
 */
record Row(
    Node node,
    String ioctl,
    int cmd,
    String field,
    String value,
    int errno,
    String kernel,
    Call call) {

  /** The setup calls and the malformed call of a row, on its bed. */
  @FunctionalInterface
  interface Call {
    /**
     * Runs the row.
     *
     * @param bed the booted board and the open node
     * @return the malformed call's result
     */
    int run(Bed bed);
  }

  /** The errno's name, e.g. "EINVAL". */
  String errnoName() {
    return Errno.name(-errno);
  }

  @Override
  public String toString() {
    return node.name() + " " + ioctl + " " + field + "=" + value + " → " + errnoName();
  }
}
