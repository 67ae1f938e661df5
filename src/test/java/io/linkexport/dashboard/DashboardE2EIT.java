package io.linkexport.dashboard;

import io.linkexport.dev.DevStack;
import io.linkexport.export.CsvEncoder;
import io.linkexport.support.Exports;
import io.linkexport.support.TestApp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dashboard in a real browser (Debian's Chromium, headless, through chromedriver) against the dev stack
 * ({@link DevStack#start}, the same code {@code mvn -Pdev} runs): sign in through the URL the dev stack prints, filter
 * with the keyboard, Export -> CSV, watch it complete, click the download link and read the file Chromium saved; the
 * recent-exports panel mints a fresh link; the free project's export is refused in plain words; a custom column set
 * in csv-excel, a gzip export (unzipped) and, over the per-file cap, the offered split with every file listed; the
 * analytics period and time-zone pickers (table and file against the list API); the Scheduled exports and Webhooks
 * panels (against the API, and a webhook receiver on loopback). Screenshots (laptop and phone width)
 * go to {@code target/screenshots/}.
 *
 * <p>Needs {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver} ({@code .ci/run} installs them). Without them
 * the test is skipped on a developer machine but fails on CI ({@code CI} set), so it cannot silently stop running.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardE2EIT {

  private static final Path CHROMIUM = Path.of(System.getProperty("chromium.binary", "/usr/bin/chromium"));
  private static final Path CHROMEDRIVER = Path.of(System.getProperty("chromedriver.binary", "/usr/bin/chromedriver"));
  private static final Path SHOTS = Path.of("target", "screenshots");
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int CAP = 2_000;

  @TempDir
  static Path data;

  private static DevStack.Running stack;
  private static TestApp api;
  private static ChromeDriver browser;
  private static Path downloads;

  @BeforeAll
  static void start() throws Exception {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (System.getenv("CI") == null) {
      assumeTrue(present, "Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)");
    } else {
      assertThat(present).as("CI must have " + CHROMIUM + " and " + CHROMEDRIVER + " (.ci/run installs them)").isTrue();
    }
    // a per-file cap of 2,000 links, under the demo project's 5,000, so that the page offers a split (the other tests'
    // filters match fewer); read from the system properties at start only, so cleared at once for the other tests
    System.setProperty("EXPORT_MAX_ROWS", String.valueOf(CAP));
    try {
      stack = DevStack.start(data.resolve("stack"), 0, 0, 0, 0);
    } finally {
      System.clearProperty("EXPORT_MAX_ROWS");
    }
    api = TestApp.attach(stack.vertx(), stack.app().httpPort(), stack.config());
    downloads = Files.createDirectories(data.resolve("downloads"));
    Files.createDirectories(SHOTS);

    ChromeDriverService service = new ChromeDriverService.Builder()
      .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
      "--window-size=1366,900", "--lang=en-US", "--no-first-run", "--disable-extensions", "--disable-quic",
      // the machine's network is closed: no update checks, sync or other background connections
      "--disable-background-networking", "--disable-component-update", "--disable-sync");
    Map<String, Object> prefs = new HashMap<>();
    prefs.put("download.default_directory", downloads.toString());
    prefs.put("download.prompt_for_download", false);
    prefs.put("safebrowsing.enabled", false);
    // The second download from the same S3 origin must not wait for a "download multiple files?" prompt.
    prefs.put("profile.default_content_setting_values.automatic_downloads", 1);
    options.setExperimentalOption("prefs", prefs);
    browser = new ChromeDriver(service, options);
    browser.executeCdpCommand("Browser.setDownloadBehavior",
      Map.of("behavior", "allow", "downloadPath", downloads.toString()));
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (browser != null) {
        browser.quit();
      }
    } finally {
      if (stack != null) {
        stack.close();
      }
    }
  }

  @Test
  @Order(1)
  void signedInByTheDevStackUrlTheLinksTableFollowsTheFilters() {
    browser.get(stack.dashboardUrl());
    WebDriverWait wait = new WebDriverWait(browser, WAIT);
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("app")));
    // The token left the address bar (it lives in sessionStorage only).
    assertThat(browser.getCurrentUrl()).doesNotContain("token=");
    assertThat(new Select(browser.findElement(By.id("project"))).getFirstSelectedOption().getText())
      .contains("pro");
    // the page links the API's served document
    assertThat(browser.findElement(By.id("api-document")).getAttribute("href")).endsWith("/openapi.json");
    awaitList(DevStack.DEMO_PROJECT, "sortBy=createdAt");
    assertThat(firstColumn()).hasSize(25);

    // Keyboard: type into the search box and press Enter (submits the filter form).
    browser.findElement(By.id("f-search")).sendKeys("sale", Keys.ENTER);
    awaitList(DevStack.DEMO_PROJECT, "search=sale", "sortBy=createdAt");
    assertThat(firstColumn()).isEqualTo(names(listed("?search=sale").subList(0, 25)));
    // A choice applies at once. By sale amount: the Sales column shows each link's saleAmount (cents) in dollars.
    new Select(browser.findElement(By.id("f-sort"))).selectByValue("saleAmount");
    awaitList(DevStack.DEMO_PROJECT, "search=sale", "sortBy=saleAmount");
    JsonArray bySales = api.get("/api/v1/projects/" + DevStack.DEMO_PROJECT
      + "/links?search=sale&sortBy=saleAmount&pageSize=25", stack.token()).json().getJsonArray("data");
    List<String> salesShown = browser.findElements(By.cssSelector("#links tbody tr td:nth-child(6)")).stream()
      .map(WebElement::getText).toList();
    assertThat(firstColumn()).isEqualTo(bySales.stream().map(JsonObject.class::cast)
      .map(l -> l.getString("name") == null ? l.getString("key") : l.getString("name")).toList());
    assertThat(salesShown).allMatch(t -> t.contains("$"))
      .map(t -> Long.parseLong(t.replaceAll("[^0-9]", "")))
      .isEqualTo(bySales.stream().map(JsonObject.class::cast).map(l -> l.getLong("saleAmount")).toList());
    assertThat(bySales.getJsonObject(0).getLong("saleAmount")).as("the demo project has sales").isPositive();

    new Select(browser.findElement(By.id("f-sort"))).selectByValue("clicks");
    awaitList(DevStack.DEMO_PROJECT, "search=sale", "sortBy=clicks");
    List<List<String>> expected = listed("?search=sale&sortBy=clicks&sortOrder=desc");
    assertThat(expected).hasSizeGreaterThan(25);
    assertThat(firstColumn()).isEqualTo(names(expected.subList(0, 25)));

    // Every form control has a label (screen readers, and clicking the label focuses it).
    Long unlabelled = (Long) browser.executeScript(
      "return Array.from(document.querySelectorAll('input,select')).filter(e => e.labels.length === 0).length");
    assertThat(unlabelled).isZero();
    // At 1366 px the links table fits its region: no column is cut (long names and URLs end in an ellipsis).
    assertThat((Boolean) browser.executeScript("const t = document.getElementById('links');"
      + " return t.scrollWidth <= t.parentElement.clientWidth;")).as("the links table fits at 1366 px").isTrue();
    // the total, not the page's length
    String total = "(" + String.format(Locale.US, "%,d", expected.size()) + " links)";
    new WebDriverWait(browser, WAIT).until(d -> total.equals(d.findElement(By.id("links-count")).getText()));
    shot("dashboard-links");
  }

  @Test
  @Order(2)
  void exportSendsTheCurrentFiltersAndTheDownloadedCsvHoldsExactlyThoseLinks() throws Exception {
    List<List<String>> expected = listed("?search=sale&sortBy=clicks&sortOrder=desc");
    WebDriverWait wait = new WebDriverWait(browser, WAIT);
    browser.findElement(By.id("export")).click();
    WebElement link = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("export-download")));
    assertThat(browser.findElement(By.id("export-status")).getText())
      .isEqualTo("Export ready: " + String.format(Locale.US, "%,d", expected.size()) + " rows.");
    shot("dashboard-export-ready");

    link.click();
    Path file = awaitDownload(Set.of());
    List<List<String>> rows = Exports.parse(Files.readAllBytes(file));
    assertThat(rows.get(0)).isEqualTo(CsvEncoder.HEADER);
    assertThat(rows.subList(1, rows.size()).stream().map(Exports::comparable).toList())
      .isEqualTo(Exports.comparableList(expected));

    // The recent-exports panel lists it; its Download button mints a fresh link and downloads the same rows again.
    WebElement download = wait.until(ExpectedConditions.elementToBeClickable(
      By.cssSelector("#recent tbody button")));
    assertThat(browser.findElement(By.cssSelector("#recent tbody tr")).getText()).contains("completed")
      .contains(String.format(Locale.US, "%,d", expected.size()));
    Files.delete(file); // the same file name comes again: keep one file at a time rather than rely on numbering
    download.sendKeys(Keys.ENTER);
    Path again = awaitDownload(Set.of());
    assertThat(Exports.parse(Files.readAllBytes(again))).isEqualTo(rows);
  }

  @Test
  @Order(3)
  void aFreeProjectsExportIsRefusedInPlainWords() {
    WebDriverWait wait = new WebDriverWait(browser, WAIT);
    Select project = new Select(browser.findElement(By.id("project")));
    project.selectByValue(DevStack.FREE_PROJECT.toString());
    awaitList(DevStack.FREE_PROJECT);
    browser.findElement(By.id("export")).click();
    WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("export-error")));
    assertThat(error.getText()).startsWith("Exports are not included in this project's plan.");
    assertThat(browser.findElement(By.id("export-status")).getText()).isEqualTo("The export did not start.");
    assertThat(browser.findElement(By.id("export")).isEnabled()).isTrue();
    shot("dashboard-free-plan");
  }

  @Test
  @Order(4)
  void readableAtPhoneWidth() {
    browser.manage().window().setSize(new Dimension(390, 844));
    browser.get("about:blank");
    browser.get(stack.dashboardUrl());
    new WebDriverWait(browser, WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.id("app")));
    awaitList(DevStack.DEMO_PROJECT);
    assertThat(firstColumn()).hasSize(25);
    // The page itself never scrolls sideways; only the tables' own regions do.
    Object wide = browser.executeScript("""
      if (document.documentElement.scrollWidth <= window.innerWidth) return '';
      return [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth && !e.closest('.scroll'))
        .slice(0, 8).map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))
        .join(', ') || ('scrollWidth ' + document.documentElement.scrollWidth);""");
    assertThat(wide).as("elements wider than the %d px screen", 390).isEqualTo("");
    shot("dashboard-phone");
    browser.manage().window().setSize(new Dimension(1366, 900));
  }

  /**
   * Verifies that a custom column set in csv-excel, picked with the column picker (unchecking, checking, moving a
   * column up with its arrow) and filtered by a tag chosen in the tag picker, downloads as a file with a byte-order
   * mark whose header and cells are exactly those columns of the list API's links for the same filters, in that order.
   */
  @Test
  @Order(5)
  void aCustomColumnSetInCsvExcelHoldsThoseColumnsOfTheListedLinks() throws Exception {
    WebDriverWait wait = new WebDriverWait(browser, WAIT);
    fresh();
    Select tags = new Select(browser.findElement(By.id("f-tags")));
    wait.until(d -> !tags.getOptions().isEmpty());
    String tagName = tags.getOptions().get(0).getText();
    String tagId = tags.getOptions().get(0).getDomAttribute("value");
    tags.selectByIndex(0);
    awaitList(DevStack.DEMO_PROJECT, "tagIds=" + tagId);
    List<String> wanted = List.of("key", "url", "clicks", "tags");
    for (WebElement li : browser.findElements(By.cssSelector("#columns li"))) {
      WebElement box = li.findElement(By.tagName("input"));
      boolean keep = wanted.contains(li.getDomAttribute("data-id"));
      if (box.isSelected() != keep) {
        box.click();
      }
    }
    // url comes after the defaults: move it up, with its arrow, until it is just before clicks
    while (checkedColumns().indexOf("url") > checkedColumns().indexOf("clicks")) {
      browser.findElement(By.cssSelector("#columns li[data-id='url'] button")).click();
    }
    assertThat(checkedColumns()).containsExactly("key", "url", "clicks", "tags");
    new Select(browser.findElement(By.id("export-format"))).selectByValue("csv-excel");
    Path file = exportAndDownload(".csv");
    byte[] bytes = Files.readAllBytes(file);
    assertThat(bytes).startsWith(0xEF, 0xBB, 0xBF);
    List<List<String>> rows = Exports.parse(bytes, ',');
    assertThat(rows.get(0)).containsExactly("Slug", "Destination URL", "Clicks", "Tags");
    List<io.vertx.core.json.JsonObject> links = Exports.listLinks(api, DevStack.DEMO_PROJECT, stack.token(),
      "?tagIds=" + tagId);
    assertThat(links).isNotEmpty().allSatisfy(l -> assertThat(Exports.expected(l, "tags", false).toString())
      .contains(tagName));
    assertThat(rows).hasSize(links.size() + 1);
    for (int i = 0; i < links.size(); i++) {
      List<String> cells = rows.get(i + 1).stream().map(io.linkexport.export.ExcelText::unwrap).toList();
      for (int c = 0; c < wanted.size(); c++) {
        assertThat(Exports.comparableCell(cells.get(c))).as("row %d %s", i, wanted.get(c))
          .isEqualTo(Exports.expected(links.get(i), wanted.get(c), false));
      }
    }
  }

  /**
   * Verifies that a gzip export downloads as a .csv.gz that the JDK unzips to the specified CSV of the listed links,
   * and that the recent-exports panel shows its size and checksum, equal to those of the downloaded bytes.
   */
  @Test
  @Order(6)
  void aGzipExportDownloadsAFileThatUnzipsToTheListedLinks() throws Exception {
    fresh();
    browser.findElement(By.id("f-search")).sendKeys("sale", Keys.ENTER);
    awaitList(DevStack.DEMO_PROJECT, "search=sale");
    new Select(browser.findElement(By.id("export-compression"))).selectByValue("gzip");
    Path file = exportAndDownload(".csv.gz");
    byte[] gz = Files.readAllBytes(file);
    List<List<String>> rows = Exports.parse(Exports.gunzip(gz));
    assertThat(rows.get(0)).isEqualTo(CsvEncoder.HEADER);
    assertThat(rows.subList(1, rows.size()).stream().map(Exports::comparable).toList())
      .isEqualTo(Exports.comparableList(listed("?search=sale")));
    String sha = Exports.sha256(gz);
    new WebDriverWait(browser, WAIT).until(d -> d.findElement(By.cssSelector("#recent tbody tr")).getText()
      .contains("gzip"));
    WebElement row = browser.findElement(By.cssSelector("#recent tbody tr"));
    assertThat(row.findElement(By.cssSelector("td:nth-child(6)")).getDomAttribute("title")).isEqualTo(sha);
    assertThat(row.getText()).contains(sha.substring(0, 12));
    shot("dashboard-gzip");
  }

  /**
   * Verifies that with filters over the per-file cap the page says so before the export and offers the split; that
   * the split export shows a real progress bar, then every file with its rows, size and checksum; that the files' rows
   * add up to the matching total; and that a file downloaded from its own link holds its rows.
   */
  @Test
  @Order(7)
  void overTheCapThePageOffersTheSplitAndListsEveryFile() throws Exception {
    WebDriverWait wait = new WebDriverWait(browser, WAIT);
    fresh();
    long total = api.get("/api/v1/projects/" + DevStack.DEMO_PROJECT + "/links/count", stack.token()).json()
      .getLong("data");
    assertThat(total).isGreaterThan(CAP);
    WebElement cap = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("export-cap")));
    assertThat(cap.getText()).startsWith("That is over the 2,000-link limit of one file.");
    assertThat(browser.findElement(By.id("export-match")).getText())
      .isEqualTo(String.format(Locale.US, "%,d", total) + " links match these filters.");
    browser.findElement(By.id("export-split")).click();
    shot("dashboard-split-offer");
    browser.findElement(By.id("export")).click();
    wait.until(d -> d.findElement(By.id("export-status")).getText().startsWith("Export ready"));
    assertThat(browser.findElement(By.id("export-progress")).isDisplayed()).isFalse();
    List<WebElement> files = browser.findElements(By.cssSelector("#export-files li"));
    assertThat(browser.findElement(By.id("export-status")).getText()).isEqualTo("Export ready: "
      + String.format(Locale.US, "%,d", total) + " rows in " + (files.size() - 1) + " files.");
    assertThat(files.size()).isGreaterThanOrEqualTo(4);
    long sum = 0;
    for (WebElement f : files.subList(0, files.size() - 1)) {
      String text = f.getText();
      long rows = Long.parseLong(text.replaceAll("^.*? ([\\d,]+) rows,.*$", "$1").replace(",", ""));
      assertThat(rows).isBetween(1L, (long) CAP);
      assertThat(text).containsPattern("SHA-256 [0-9a-f]{64}");
      sum += rows;
    }
    assertThat(sum).isEqualTo(total);
    assertThat(files.get(files.size() - 1).getText()).contains("manifest.json");
    shot("dashboard-split-files");
    WebElement first = files.get(0).findElement(By.tagName("a"));
    long firstRows = Long.parseLong(files.get(0).getText().replaceAll("^.*? ([\\d,]+) rows,.*$", "$1")
      .replace(",", ""));
    clearDownloads();
    first.click();
    Path part = awaitDownload(Set.of(), ".csv");
    assertThat(part.getFileName().toString()).contains("-part-01");
    assertThat(Exports.parse(Files.readAllBytes(part))).hasSize((int) firstRows + 1);
  }

  // ---- helpers -------------------------------------------------------------------------------------------------------

  /** The ids of the checked columns, in the picker's order. */
  /**
   * Verifies the period and zone pickers: the last 30 days of Kathmandu (+05:45, so every day's edges fall inside the
   * API's UTC-day rollups) drive the table's numbers, which equal the list API's for that window; the export sends
   * exactly what is on screen, and the downloaded CSV holds the list's rows with the window's numbers and its times in
   * Kathmandu's offset.
   */
  @Test
  @Order(8)
  void aPeriodInAnotherZoneDrivesTheTableAndTheExport() throws Exception {
    fresh();
    // the browser lists the zones by CLDR's canonical names, which keep older spellings (Asia/Katmandu)
    Select zones = new Select(browser.findElement(By.id("f-tz")));
    String zone = zones.getOptions().stream().map(o -> o.getDomAttribute("value"))
      .filter(z -> z.equals("Asia/Kathmandu") || z.equals("Asia/Katmandu")).findFirst().orElseThrow();
    java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneId.of(zone));
    String window = "metricsFrom=" + today.minusDays(29) + "&metricsTo=" + today.plusDays(1) + "&timezone=" + zone;
    zones.selectByValue(zone);
    new Select(browser.findElement(By.id("f-period"))).selectByValue("30");
    browser.findElement(By.id("f-search")).sendKeys("sale", Keys.ENTER);
    new Select(browser.findElement(By.id("f-sort"))).selectByValue("clicks");
    awaitList(DevStack.DEMO_PROJECT, "search=sale", "sortBy=clicks", "timezone=" + zone.replace("/", "%2F"),
      "metricsFrom=" + today.minusDays(29), "metricsTo=" + today.plusDays(1));
    String query = "?search=sale&sortBy=clicks&sortOrder=desc&" + window;
    List<List<String>> expected = listed(query);
    assertThat(firstColumn()).isEqualTo(names(expected.subList(0, 25)));
    List<String> clicksShown = browser.findElements(By.cssSelector("#links tbody tr td:nth-child(4)")).stream()
      .map(WebElement::getText).toList();
    assertThat(clicksShown).isEqualTo(expected.subList(0, 25).stream()
      .map(r -> String.format(Locale.US, "%,d", Long.parseLong(r.get(5)))).toList());
    List<List<String>> allTime = listed("?search=sale&sortBy=clicks&sortOrder=desc");
    assertThat(expected.stream().mapToLong(r -> Long.parseLong(r.get(5))).sum()).as("the window counts fewer clicks")
      .isPositive().isLessThan(allTime.stream().mapToLong(r -> Long.parseLong(r.get(5))).sum());
    shot("dashboard-period");

    List<List<String>> rows = Exports.parse(Files.readAllBytes(exportAndDownload(".csv")));
    assertThat(rows.get(0)).isEqualTo(CsvEncoder.HEADER);
    assertThat(rows.get(1).get(4)).endsWith("+05:45");
    assertThat(rows.subList(1, rows.size()).stream().map(Exports::comparable).toList())
      .isEqualTo(Exports.comparableList(expected));
  }

  /**
   * Verifies the Scheduled exports panel: a weekly schedule on Wednesdays at 08:00 in the picked zone (Kathmandu)
   * with the previous period as its window is saved with what is on screen (the list API's schedule), its next run is
   * shown in that zone, and pausing and deleting it act on the API's schedule.
   */
  @Test
  @Order(9)
  void aScheduleIsCreatedPausedAndDeletedFromTheDashboard() {
    fresh();
    Select zones = new Select(browser.findElement(By.id("f-tz")));
    String zone = zones.getOptions().stream().map(o -> o.getDomAttribute("value"))
      .filter(z -> z.equals("Asia/Kathmandu") || z.equals("Asia/Katmandu")).findFirst().orElseThrow();
    zones.selectByValue(zone);
    // a fixed period on screen: the schedule's window replaces it
    new Select(browser.findElement(By.id("f-period"))).selectByValue("30");
    new Select(browser.findElement(By.id("s-cadence"))).selectByValue("weekly");
    new Select(browser.findElement(By.id("s-weekday"))).selectByValue("3");
    browser.findElement(By.id("s-create")).click();
    WebElement row = new WebDriverWait(browser, WAIT).until(ExpectedConditions.visibilityOfElementLocated(
      By.cssSelector("#schedules tbody tr[data-id]")));
    assertThat(row.getText()).contains("Every Wednesday at 08:00").contains("previous 7 days").contains("active")
      .contains(DevStack.DEMO_EMAIL);
    JsonArray saved = api.get("/api/v1/projects/" + DevStack.DEMO_PROJECT + "/links/export-schedules", stack.token())
      .json().getJsonArray("data");
    assertThat(saved).hasSize(1);
    JsonObject schedule = saved.getJsonObject(0);
    assertThat(schedule.getString("timezone")).isEqualTo(zone);
    assertThat(schedule.getString("window")).isEqualTo("previousPeriod");
    assertThat(schedule.getJsonObject("filters").fieldNames()).as("no fixed period")
      .doesNotContain("metricsFrom", "metricsTo").contains("sortBy");
    java.time.ZonedDateTime next = java.time.Instant.parse(schedule.getString("nextRunAt"))
      .atZone(java.time.ZoneId.of(zone));
    assertThat(next.getDayOfWeek()).isEqualTo(java.time.DayOfWeek.WEDNESDAY);
    assertThat(next.toLocalTime()).isEqualTo(java.time.LocalTime.of(8, 0));
    Object formatted = browser.executeScript("return new Date(arguments[0]).toLocaleString(undefined,"
      + " { timeZone: arguments[1] });", schedule.getString("nextRunAt"), zone);
    assertThat(row.findElement(By.cssSelector("td.next")).getText()).as("shown in " + zone).isEqualTo(formatted);
    shot("dashboard-schedules");

    row.findElement(By.xpath(".//button[text()='Pause']")).click();
    settled().until(d -> d.findElement(By.cssSelector("#schedules tbody tr[data-id]")).getText().contains("paused"));
    assertThat(api.get("/api/v1/projects/" + DevStack.DEMO_PROJECT + "/links/export-schedules/"
      + schedule.getString("id"), stack.token()).data().getBoolean("enabled")).isFalse();
    settled().until(d -> {
      d.findElement(By.cssSelector("#schedules tbody tr[data-id]")).findElement(By.xpath(".//button[text()='Delete']"))
        .click();
      return true;
    });
    settled().until(d -> d.findElements(By.cssSelector("#schedules tbody tr[data-id]")).isEmpty());
    assertThat(api.get("/api/v1/projects/" + DevStack.DEMO_PROJECT + "/links/export-schedules", stack.token())
      .json().getJsonArray("data")).isEmpty();
  }

  /**
   * Verifies the Webhooks panel: an endpoint (a receiver on this machine; the dev stack allows private targets) is
   * added and its secret shown once; "Send test" reaches the receiver signed with that secret (checked by the
   * receiver's own code) and the row shows the delivery.
   */
  @Test
  @Order(10)
  void aWebhookIsAddedItsSecretShownOnceAndATestEventDelivered() throws Exception {
    fresh();
    try (io.linkexport.support.WebhookReceiver receiver = new io.linkexport.support.WebhookReceiver(n -> 204)) {
      browser.findElement(By.id("w-url")).sendKeys(receiver.url("/dashboard-hook"));
      browser.findElement(By.id("w-create")).click();
      WebElement secret = new WebDriverWait(browser, WAIT).until(ExpectedConditions.visibilityOfElementLocated(
        By.id("webhook-secret")));
      String shown = secret.getText();
      assertThat(shown).startsWith("whsec_");
      WebElement row = new WebDriverWait(browser, WAIT).until(ExpectedConditions.visibilityOfElementLocated(
        By.cssSelector("#webhooks tbody tr[data-id]")));
      assertThat(row.getText()).contains("/dashboard-hook").contains("enabled").contains("none yet");
      row.findElement(By.xpath(".//button[text()='Send test']")).click();
      new WebDriverWait(browser, WAIT).until(d -> !receiver.to("/dashboard-hook").isEmpty());
      assertThat(io.linkexport.support.WebhookReceiver.verify(shown, receiver.to("/dashboard-hook").get(0))).isTrue();
      // the row shows the delivery once recorded (the sender marks it after the answer): refresh until it does
      settled().until(d -> {
        if (d.findElement(By.cssSelector("#webhooks tbody tr[data-id] td.deliveries")).getText()
          .contains("webhook.test: delivered (204)")) {
          return true;
        }
        d.findElement(By.id("w-refresh")).click();
        return false;
      });
      shot("dashboard-webhooks");
      fresh();
      settled().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#webhooks tbody tr[data-id]")));
      assertThat(browser.findElement(By.id("webhook-secret-note")).isDisplayed()).as("shown once").isFalse();
      assertThat(browser.getPageSource()).doesNotContain(shown);
      assertThat(api.get("/api/v1/projects/" + DevStack.DEMO_PROJECT + "/webhooks", stack.token()).raw().body())
        .as("never listed").doesNotContain(shown).doesNotContain("whsec_");
      settled().until(d -> {
        d.findElement(By.cssSelector("#webhooks tbody tr[data-id]")).findElement(By.xpath(".//button[text()='Delete']"))
          .click();
        return true;
      });
      settled().until(d -> d.findElements(By.cssSelector("#webhooks tbody tr[data-id]")).isEmpty());
    }
  }

  /** A wait that looks again when the panel re-rendered the element it held (its rows are replaced on each load). */
  private static WebDriverWait settled() {
    WebDriverWait wait = new WebDriverWait(browser, WAIT);
    wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    return wait;
  }

  /**
   * The ids of the checked columns, in the list's order. Read by one script: a WebDriver call per row and property made
   * the column test's loop (two reads per move of url) take 40 s.
   */
  @SuppressWarnings("unchecked")
  private static List<String> checkedColumns() {
    return (List<String>) browser.executeScript("return Array.from(document.querySelectorAll('#columns li'))"
      + ".filter(li => li.querySelector('input').checked).map(li => li.getAttribute('data-id'));");
  }

  /** The page loaded anew on the demo project, with no filters and the default file options. */
  private static void fresh() {
    browser.get("about:blank");
    browser.get(stack.dashboardUrl());
    new WebDriverWait(browser, WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.id("app")));
    awaitList(DevStack.DEMO_PROJECT);
  }

  /**
   * Empties the download directory: Chromium saves a file of a name already there under that name again rather than
   * numbering it reliably, so each download starts from an empty directory.
   */
  private static void clearDownloads() throws IOException {
    try (Stream<Path> files = Files.list(downloads)) {
      for (Path p : files.toList()) {
        Files.delete(p);
      }
    }
  }

  /** Clicks Export, waits for the download link, clicks it, and waits for the file. */
  private static Path exportAndDownload(String suffix) throws Exception {
    clearDownloads();
    browser.findElement(By.id("export")).click();
    WebElement link = new WebDriverWait(browser, WAIT).until(ExpectedConditions.visibilityOfElementLocated(
      By.id("export-download")));
    assertThat(browser.findElement(By.id("export-status")).getText()).startsWith("Export ready");
    link.click();
    return awaitDownload(Set.of(), suffix);
  }

  private static List<List<String>> listed(String query) {
    return Exports.listRows(api, DevStack.DEMO_PROJECT, stack.token(), query);
  }

  private static List<String> firstColumn() {
    return browser.findElements(By.cssSelector("#links tbody tr td:first-child")).stream()
      .map(WebElement::getText).toList();
  }

  private static List<String> names(List<List<String>> rows) {
    return rows.stream().map(r -> r.get(0)).toList();
  }

  /** Waits until the links table shows an answer (not loading) for this project whose query has these parts. */
  private static void awaitList(java.util.UUID project, String... parts) {
    try {
      new WebDriverWait(browser, WAIT).until(d -> {
        WebElement table = d.findElement(By.id("links"));
        String shown = table.getDomAttribute("data-shown");
        return "false".equals(table.getDomAttribute("aria-busy")) && shown != null
          && shown.startsWith(project + "?") && Stream.of(parts).allMatch(shown::contains);
      });
    } catch (org.openqa.selenium.TimeoutException e) {
      shot("failed-" + project);
      throw new AssertionError("the links table never showed " + project + " " + List.of(parts) + "; it shows "
        + browser.findElement(By.id("links")).getDomAttribute("data-shown"), e);
    }
  }

  /** Waits for a finished download (no .crdownload part file) that is not one of {@code known}. */
  private static Path awaitDownload(Set<Path> known) throws Exception {
    return awaitDownload(known, ".csv");
  }

  /** Waits for a finished download named {@code *suffix} that is not one of {@code known}. */
  private static Path awaitDownload(Set<Path> known, String suffix) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      try (Stream<Path> files = Files.list(downloads)) {
        List<Path> all = files.toList();
        boolean partial = all.stream().anyMatch(p -> p.toString().endsWith(".crdownload"));
        List<Path> fresh = all.stream().filter(p -> !known.contains(p)).filter(p -> p.toString().endsWith(suffix))
          .collect(Collectors.toList());
        if (!partial && !fresh.isEmpty()) {
          return fresh.get(0);
        }
      }
      Thread.sleep(100);
    }
    shot("failed-download");
    try (Stream<Path> files = Files.list(downloads)) {
      throw new AssertionError("no download in " + downloads + " within " + WAIT + "; it holds " + files.toList()
        + "; the browser is at " + browser.getCurrentUrl());
    }
  }

  private static void shot(String name) {
    try {
      File png = browser.getScreenshotAs(OutputType.FILE);
      Files.copy(png.toPath(), SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
