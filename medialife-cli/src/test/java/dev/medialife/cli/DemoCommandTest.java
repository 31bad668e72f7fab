package dev.medialife.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class DemoCommandTest {
  @Test
  void json() throws Exception {
    Cli r = Cli.run("demo", "--json");
    System.err.println(r.err());
    System.err.println(r.out());
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertTrue(j.get("ok").asBoolean());
    assertEquals(0, r.status());
  }
}
