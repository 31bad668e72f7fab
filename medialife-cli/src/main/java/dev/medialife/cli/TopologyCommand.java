package dev.medialife.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.medialife.mc.MediaDevice;
import dev.medialife.mc.topology.Topology;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code medialife topology}: the media graphs of a board after probe. */
@Command(
    name = "topology",
    mixinStandardHelpOptions = true,
    description = "Boots a board and prints the graph of each of its media devices, as media-ctl "
        + "-p (text), media-ctl --print-dot (dot: one digraph per media device) or JSON.")
final class TopologyCommand implements Callable<Integer> {
  @Spec @SuppressWarnings("NullAway.Init") // injected by picocli
  private CommandSpec spec;

  @Option(names = "--board", paramLabel = "NAME",
      description = "The board: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  private Board.Kind board = Board.Kind.DEFAULT;

  @Option(names = "--format", paramLabel = "FORMAT",
      description = "text, dot or json (default: ${DEFAULT-VALUE}).")
  private Topology.Format format = Topology.Format.TEXT;

  TopologyCommand() {}

  @Override
  public Integer call() throws Board.BootException, IOException {
    PrintWriter out = spec.commandLine().getOut();
    try (Board b = Board.boot(board)) {
      List<MediaDevice> devices = b.mediaDevices();
      if (format == Topology.Format.JSON) {
        ObjectMapper mapper = Main.mapper();
        ObjectNode doc = mapper.createObjectNode();
        doc.put("board", board.cliName()).put("description", board.describe());
        ArrayNode arr = doc.putArray("mediaDevices");
        for (MediaDevice m : devices) {
          arr.add(mapper.readTree(Topology.json(m)));
        }
        out.println(mapper.writeValueAsString(doc));
      } else {
        for (MediaDevice m : devices) {
          if (format == Topology.Format.TEXT) {
            out.println("# " + m.model());
          }
          out.println(Topology.render(m, format).stripTrailing());
          if (format == Topology.Format.TEXT) {
            out.println();
          }
        }
      }
    }
    out.flush();
    return Main.EXIT_OK;
  }
}
