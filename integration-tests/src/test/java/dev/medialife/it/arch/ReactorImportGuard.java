package dev.medialife.it.arch;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * The guard that keeps the architecture rules honest: rules over an import that lacks a module
 * pass for that module without looking at it. Given the parent pom and the classes the rules saw,
 * it lists every reason to distrust the import:
 *
 * <ul>
 *   <li>nothing was imported at all;
 *   <li>a module of the parent pom's {@code <modules>} (profiles included) has no entry in {@link
 *       Modules#ALL}, so no rule knows its packages;
 *   <li>a module has main code ({@code src/main/java} holds a {@code .java} file) but no class under
 *       its package roots was imported — typically integration-tests lacks the compile-scope
 *       dependency on it;
 *   <li>a test-only module has main code.
 * </ul>
 */
final class ReactorImportGuard {
  /** The parent pom's artifactId, to be sure the right pom was found. */
  static final String PARENT_ARTIFACT_ID = "medialife-parent";

  private ReactorImportGuard() {}

  /**
   * The parent pom of the module the tests run in. Surefire runs tests with the module directory
   * as working directory and also passes it as the {@code basedir} system property; the parent is
   * one level up.
   *
   * @return the path of the parent pom.xml
   */
  static Path parentPom() {
    String basedir = System.getProperty("basedir");
    Path moduleDir = basedir != null ? Path.of(basedir) : Path.of("");
    return moduleDir.toAbsolutePath().normalize().resolveSibling("pom.xml");
  }

  /**
   * Every reason the import does not cover the reactor.
   *
   * @param parentPom the reactor's parent pom.xml
   * @param imported the classes the rules evaluate
   * @param root the root package the rules use
   * @return the problems, empty if the import is complete
   * @throws IOException if a pom cannot be read
   */
  static List<String> problems(Path parentPom, JavaClasses imported, String root)
      throws IOException {
    List<String> problems = new ArrayList<>();
    List<JavaClass> underRoot =
        imported.stream().filter(c -> c.getPackageName().startsWith(root + ".")).toList();
    if (underRoot.isEmpty()) {
      problems.add("no production class under " + root + " was imported: every rule would pass"
          + " without looking at anything");
    }
    Element parent = parse(parentPom);
    String parentId = childText(parent, "artifactId").orElse("?");
    if (!parentId.equals(PARENT_ARTIFACT_ID)) {
      problems.add(parentPom + " is " + parentId + ", not the reactor's parent " + PARENT_ARTIFACT_ID);
      return problems;
    }
    List<String> moduleDirs = modules(parent);
    if (moduleDirs.isEmpty()) {
      problems.add(parentPom + " lists no <module>");
    }
    for (String dir : moduleDirs) {
      Path moduleDir = parentPom.resolveSibling(dir).normalize();
      Path modulePom = moduleDir.resolve("pom.xml");
      if (!Files.isRegularFile(modulePom)) {
        problems.add("module '" + dir + "' has no pom.xml at " + modulePom);
        continue;
      }
      String artifactId = childText(parse(modulePom), "artifactId").orElse(dir);
      Optional<ReactorModule> entry = Modules.byArtifactId(artifactId);
      if (entry.isEmpty()) {
        problems.add("reactor module " + artifactId + " (" + dir + ") has no entry in the module"
            + " table (Modules.ALL): add it with its package roots and allowed dependencies");
        continue;
      }
      ReactorModule module = entry.get();
      boolean hasMainCode = hasJavaSources(moduleDir.resolve("src/main/java"));
      long count =
          underRoot.stream()
              .filter(c -> module.packageRootOf(root, c.getPackageName()) != null)
              .count();
      if (module.kind() == ModuleKind.TESTS && hasMainCode) {
        problems.add("test-only module " + artifactId + " has main code in src/main/java");
      } else if (hasMainCode && count == 0) {
        problems.add("reactor module " + artifactId + " has main code but no class under "
            + module.packagesUnder(root) + " was imported: does integration-tests depend on it"
            + " (compile scope), and does its code live in its package roots?");
      }
    }
    return problems;
  }

  /** The module directories of a parent pom, from {@code <modules>} and every profile's. */
  static List<String> modules(Element project) {
    List<String> dirs = new ArrayList<>();
    NodeList nodes = project.getElementsByTagName("module");
    for (int i = 0; i < nodes.getLength(); i++) {
      Node n = nodes.item(i);
      Node parent = n.getParentNode();
      if (parent != null && "modules".equals(parent.getNodeName())) {
        String dir = n.getTextContent().trim();
        if (!dirs.contains(dir)) {
          dirs.add(dir);
        }
      }
    }
    return dirs;
  }

  private static boolean hasJavaSources(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.anyMatch(p -> p.getFileName().toString().endsWith(".java"));
    }
  }

  /** Parses a pom without resolving DTDs or external entities. */
  static Element parse(Path pom) throws IOException {
    try (InputStream in = Files.newInputStream(pom)) {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      factory.setExpandEntityReferences(false);
      DocumentBuilder builder = factory.newDocumentBuilder();
      Document doc = builder.parse(in);
      return doc.getDocumentElement();
    } catch (ParserConfigurationException | SAXException e) {
      throw new IOException("cannot parse " + pom + ": " + e.getMessage(), e);
    }
  }

  /** The text of a direct child element, such as the project's own {@code <artifactId>}. */
  private static Optional<String> childText(Element element, String name) {
    for (Node n = element.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n.getNodeType() == Node.ELEMENT_NODE && name.equals(n.getNodeName())) {
        return Optional.of(n.getTextContent().trim());
      }
    }
    return Optional.empty();
  }
}
