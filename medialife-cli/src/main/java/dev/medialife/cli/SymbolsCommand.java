package dev.medialife.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code medialife symbols}: the kernel-symbol cross-reference. */
@Command(
    name = "symbols",
    mixinStandardHelpOptions = true,
    description = "Lists the kernel symbols each module ports, with the Java member that ports "
        + "each, generated from the @KernelSymbol annotations in the code.")
final class SymbolsCommand implements Callable<Integer> {
  /** Output formats. */
  enum Format {
    MARKDOWN,
    JSON
  }

  @Spec @SuppressWarnings("NullAway.Init") // injected by picocli
  private CommandSpec spec;

  @Option(names = "--format", paramLabel = "FORMAT",
      description = "markdown or json (default: ${DEFAULT-VALUE}).")
  private Format format = Format.MARKDOWN;

  SymbolsCommand() {}

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    List<Symbols.Entry> entries = Symbols.scan();
    if (format == Format.JSON) {
      ObjectMapper mapper = Main.mapper();
      ObjectNode doc = mapper.createObjectNode();
      doc.put("total", entries.size());
      ObjectNode modules = doc.putObject("modules");
      for (Map.Entry<String, List<Symbols.Entry>> m : Symbols.byModule(entries).entrySet()) {
        ArrayNode arr = modules.putArray(m.getKey());
        for (Symbols.Entry e : m.getValue()) {
          arr.addObject().put("symbol", e.symbol()).put("member", e.member());
        }
      }
      out.println(mapper.writeValueAsString(doc));
    } else {
      out.print(Symbols.markdown(entries));
    }
    out.flush();
    return Main.EXIT_OK;
  }
}
