package io.linkexport.dashboard;

import io.linkexport.dev.DevStack;
import io.linkexport.export.CsvEncoder;
import io.linkexport.support.Exports;
import io.linkexport.support.TestApp;
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
 * recent-exports panel mints a fresh link; the free project's export is refused in plain words. Screenshots (laptop
 * and phone width) go to {@code target/screenshots/}.
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
    stack = DevStack.start(data.resolve("stack"), 0, 0, 0, 0);
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
    // A choice applies at once.
    new Select(browser.findElement(By.id("f-sort"))).selectByValue("clicks");
    awaitList(DevStack.DEMO_PROJECT, "search=sale", "sortBy=clicks");
    List<List<String>> expected = listed("?search=sale&sortBy=clicks&sortOrder=desc");
    assertThat(expected).hasSizeGreaterThan(25);
    assertThat(firstColumn()).isEqualTo(names(expected.subList(0, 25)));

    // Every form control has a label (screen readers, and clicking the label focuses it).
    Long unlabelled = (Long) browser.executeScript(
      "return Array.from(document.querySelectorAll('input,select')).filter(e => e.labels.length === 0).length");
    assertThat(unlabelled).isZero();
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

  // ---- helpers -------------------------------------------------------------------------------------------------------

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
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      try (Stream<Path> files = Files.list(downloads)) {
        List<Path> all = files.toList();
        boolean partial = all.stream().anyMatch(p -> p.toString().endsWith(".crdownload"));
        List<Path> fresh = all.stream().filter(p -> !known.contains(p)).filter(p -> p.toString().endsWith(".csv"))
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
