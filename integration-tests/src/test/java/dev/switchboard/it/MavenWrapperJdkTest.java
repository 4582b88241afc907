package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README's {@code ./mvnw verify} on a fresh machine: no {@code JAVA_HOME}, and the {@code java} on the {@code PATH}
 * too old to build. The wrapper must find a JDK 21 or newer by itself ({@code scripts/java-home.sh}), honour a
 * {@code JAVA_HOME} that is new enough, and otherwise stop with a message that says what to install.
 *
 * <p>Each run gets its own {@code PATH} (a directory whose {@code java} is JDK 17 comes first) and its own JDK
 * directory ({@code SWITCHBOARD_JDK_DIR}, the finder's stand-in for {@code /usr/lib/jvm}), holding links to the JDK
 * running this test and to small stand-in JDKs: scripts that note each use and run this test's JDK.
 */
class MavenWrapperJdkTest {

    private static final Path ROOT = repositoryRoot();
    private static final Path CURRENT_JDK = Path.of(System.getProperty("java.home"));
    private static final Pattern JAVA_VERSION =
            Pattern.compile("Java version: (\\d+)[^,]*, vendor: [^,]*, runtime: (.*)");

    @TempDir
    Path temp;

    /** The links to JDKs outside go first, so the temporary directory's cleanup has nothing to warn about. */
    @AfterEach
    void removeLinks() throws IOException {
        try (Stream<Path> files = Files.walk(temp)) {
            for (Path link : files.filter(Files::isSymbolicLink).toList()) {
                Files.delete(link);
            }
        }
    }

    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isRegularFile(dir.resolve("scripts/java-home.sh"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no repository root with mvnw above " + Path.of("").toAbsolutePath());
    }

    @Test
    void aFreshMachineWithJava17OnThePathBuildsWithTheJdkItFinds() throws Exception {
        Path jdks = jdkDirectory(Map.of("java-17-openjdk", oldJdk(), "temurin-jdk", CURRENT_JDK));

        Run version = mvnw(ROOT, null, pathWithJava(oldJdk()), jdks, "--version");

        assertThat(version.exitCode()).as(version.output()).isZero();
        assertThat(version.javaMajor()).as(version.output()).isGreaterThanOrEqualTo(21);
        assertThat(version.runtime()).isEqualTo(CURRENT_JDK.toRealPath());

        // README's command goes past the build's own JDK check (the enforcer), offline and quietly.
        Run validate = mvnw(ROOT, null, pathWithJava(oldJdk()), jdks, "-q", "-o", "validate");
        assertThat(validate.exitCode()).as(validate.output()).isZero();
        assertThat(validate.output()).doesNotContain("JDK 21 or newer");
    }

    @Test
    void aJavaHomeThatIsNewEnoughIsUsedBeforeThePathAndTheJdkDirectory() throws Exception {
        Path ownJdk = standInJdk("own-jdk", "21.0.4");
        Path jdks = jdkDirectory(Map.of("temurin-jdk", CURRENT_JDK, "newest", standInJdk("newest", "99")));

        Run run = mvnw(temp, ownJdk, pathWithJava(CURRENT_JDK), jdks, "--version");

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(launchedMaven(ownJdk)).as("Maven ran on JAVA_HOME's java").isTrue();
        assertThat(launchedMaven(jdks.resolve("newest"))).isFalse();
        assertThat(run.output()).doesNotContain("note:");
    }

    @Test
    void aJavaHomeTooOldGivesWayToTheJavaOnThePathWithANote() throws Exception {
        Path onPath = standInJdk("on-path", "22");
        Path jdks = jdkDirectory(Map.of("newest", standInJdk("newest", "99")));

        Run run = mvnw(temp, oldJdk(), pathWithJava(onPath), jdks, "--version");

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(launchedMaven(onPath)).as("Maven ran on the PATH's java").isTrue();
        assertThat(launchedMaven(jdks.resolve("newest"))).isFalse();
        assertThat(run.output()).contains("note: JAVA_HOME=" + oldJdk() + " is not a JDK 21 or newer; using " + onPath);
    }

    @Test
    void theNewestJdkOfTheDirectoryIsChosenWhateverItsName() throws Exception {
        Path jdks = jdkDirectory(Map.of("a-jdk", standInJdk("a-jdk", "22.0.1"), "b-jdk", standInJdk("b-jdk", "99"),
                "c-jdk", CURRENT_JDK, "d-jdk", oldJdk()));

        Run run = mvnw(temp, null, pathWithJava(oldJdk()), jdks, "--version");

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(launchedMaven(jdks.resolve("b-jdk"))).as("Maven ran on the JDK 99 stand-in").isTrue();
        assertThat(launchedMaven(jdks.resolve("a-jdk"))).isFalse();
    }

    @Test
    void withNoJdk21AnywhereTheWrapperStopsAndSaysWhatToInstall() throws Exception {
        Path empty = Files.createDirectories(temp.resolve("no-jdks"));
        // Run from another directory, as `../switchboard/mvnw -f ...` would.
        Run run = mvnw(temp, oldJdk(), pathWithJava(oldJdk()), empty, "-q", "validate");

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.output())
                .contains("error: Switchboard needs a JDK 21 or newer")
                .contains("JAVA_HOME=" + oldJdk() + ": JDK 17")
                .contains("java on the PATH (" + temp.resolve("path-bin-" + oldJdk().getFileName()).resolve("java")
                        + "): JDK 17")
                .contains(empty + ": no JDK")
                .contains("Install JDK 21 or newer (e.g. Eclipse Temurin 25")
                .doesNotContain("Apache Maven");
    }

    // ---- the machine each run sees ------------------------------------------------------------------------------

    /** A JDK 17: the one {@code /usr/bin/java} belongs to where that is older than 21, else a stand-in. */
    private Path oldJdk() throws IOException {
        Path system = Path.of("/usr/bin/java");
        if (Files.isExecutable(system)) {
            Path home = system.toRealPath().getParent().getParent();
            if (releaseMajor(home).filter(major -> major == 17).isPresent()
                    && Files.isExecutable(home.resolve("bin/javac"))) {
                return home;
            }
        }
        Path standIn = temp.resolve("jdk-17");
        return Files.isDirectory(standIn) ? standIn : standInJdk("jdk-17", "17.0.15");
    }

    private static Optional<Integer> releaseMajor(Path home) throws IOException {
        Path release = home.resolve("release");
        if (!Files.isRegularFile(release)) {
            return Optional.empty();
        }
        Matcher version = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)").matcher(Files.readString(release));
        return version.find() ? Optional.of(Integer.parseInt(version.group(1))) : Optional.empty();
    }

    /**
     * A JDK whose {@code release} file says {@code version} and whose {@code java} and {@code javac} note each use
     * in {@code used} and then run this test's JDK.
     */
    private Path standInJdk(String name, String version) throws IOException {
        Path home = Files.createDirectories(temp.resolve("stand-ins").resolve(name));
        Files.writeString(home.resolve("release"), "JAVA_VERSION=\"" + version + "\"\n");
        Path bin = Files.createDirectories(home.resolve("bin"));
        for (String tool : List.of("java", "javac")) {
            script(bin.resolve(tool), "#!/bin/sh\n"
                    + "echo \"" + tool + " $*\" >> \"" + home.resolve("used") + "\"\n"
                    + "exec \"" + CURRENT_JDK.resolve("bin").resolve(tool) + "\" \"$@\"\n");
        }
        return home;
    }

    private static void script(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** Whether Maven itself (not only a version check) was started with the stand-in JDK at {@code home}. */
    private static boolean launchedMaven(Path home) throws IOException {
        Path used = home.toRealPath().resolve("used");
        return Files.exists(used) && Files.readString(used).contains("org.codehaus.plexus.classworlds.launcher");
    }

    /** The finder's JDK directory: one link per entry. */
    private Path jdkDirectory(Map<String, Path> entries) throws IOException {
        Path dir = Files.createDirectories(temp.resolve("jvm-" + String.join("-", entries.keySet().stream()
                .sorted().toList())));
        for (Map.Entry<String, Path> entry : entries.entrySet()) {
            Files.createSymbolicLink(dir.resolve(entry.getKey()), entry.getValue());
        }
        return dir;
    }

    /** This JVM's PATH behind a directory whose {@code java} (and {@code javac}) belong to {@code jdk}. */
    private String pathWithJava(Path jdk) throws IOException {
        Path bin = temp.resolve("path-bin-" + jdk.getFileName());
        if (!Files.isDirectory(bin)) {
            Files.createDirectories(bin);
            for (String tool : List.of("java", "javac")) {
                Files.createSymbolicLink(bin.resolve(tool), jdk.resolve("bin").resolve(tool));
            }
        }
        return bin + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    }

    // ---- running the wrapper ------------------------------------------------------------------------------------

    /** A finished wrapper run: exit code and stdout and stderr together. */
    record Run(int exitCode, String output) {
        int javaMajor() {
            return Integer.parseInt(versionLine().group(1));
        }

        Path runtime() throws IOException {
            return Path.of(versionLine().group(2).strip()).toRealPath();
        }

        private Matcher versionLine() {
            Matcher matcher = JAVA_VERSION.matcher(output);
            if (!matcher.find()) {
                throw new AssertionError("no Java version in the wrapper's output:\n" + output);
            }
            return matcher;
        }
    }

    /** Runs the repository's {@code mvnw} in {@code directory} with this JAVA_HOME (null: unset), PATH and JDK dir. */
    private static Run mvnw(Path directory, Path javaHome, String path, Path jdkDir, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ROOT.resolve("mvnw").toString());
        if (!directory.equals(ROOT)) {
            command.addAll(List.of("-f", ROOT.resolve("pom.xml").toString()));
        }
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.remove("JAVA_HOME");
        if (javaHome != null) {
            env.put("JAVA_HOME", javaHome.toString());
        }
        env.put("PATH", path);
        env.put("SWITCHBOARD_JDK_DIR", jdkDir.toString());
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("mvnw did not finish:\n" + output);
        }
        return new Run(process.exitValue(), output);
    }
}
