package io.cloudterm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cloudterm.auth.BcryptHash;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every JMH microbenchmark under bench/src/jmh once, very briefly and in this JVM: each must
 * complete and report a positive score, so a benchmark that throws, hangs or goes missing fails
 * the build. The figures mean nothing here; they come from full runs (bench/README.md).
 */
class JmhSmokeTest {

    /** Every benchmark, as {@code Class.method}: a new one is added here too, so it cannot go unrun. */
    private static final Set<String> EXPECTED = Set.of(
            "BufferPoolBench.acquireRelease",
            "BufferPoolBench.acquireReleaseContended",
            "BufferPoolBench.ref_allocateDirect",
            "BufferPoolBench.ref_allocateDirectContended",
            "BufferPoolBench.ref_allocateHeap",
            "BufferPoolBench.ref_allocateHeapContended",
            "FileCacheBench.hit",
            "FileCacheBench.hitContended",
            "FileCacheBench.ref_readAttributes",
            "FileCacheBench.ref_readFile",
            "ProtocolBench.decodeHandshake",
            "ProtocolBench.decodeInput1B",
            "ProtocolBench.decodeInput1KiB",
            "ProtocolBench.decodeResize",
            "ProtocolBench.encodeOutput16KiB",
            "ProtocolBench.encodeOutput4x4KiB",
            "ProtocolBench.encodeTitle",
            "ProtocolBench.ref_copy16KiB",
            "ProtocolBench.ref_copyOfRange1KiB",
            "ProtocolBench.ref_resizeCachedReaderFactory",
            "SessionLookupBench.sessionsFind",
            "SessionLookupBench.tokensIssue",
            "SessionLookupBench.tokensValid",
            "SessionLookupBench.ref_hashMapGet",
            "SessionLookupBench.ref_sha256Bare",
            "SessionLookupBench.ref_sha256Product",
            "SessionLookupBench.ref_tokenAndHash",
            "TerminalLookupBench.launcherFind",
            "TerminalLookupBench.sharesFind",
            "TerminalLookupBench.ref_concurrentHashMapGet",
            "TerminalLookupBench.ref_handleRegex",
            "TerminalLookupBench.ref_sha256Product",
            "AttachmentBench.deliver4KiB",
            "AttachmentBench.deliver64B",
            "AttachmentBench.pauseResume",
            "AttachmentBench.ref_blockingQueue4KiB",
            "AttachmentBench.ref_blockingQueue64B",
            "AttachmentBench.ref_lockSignalTwice",
            "ScrollbackRingBench.append4KiBAtCap",
            "ScrollbackRingBench.appendUnderFullBudget",
            "ScrollbackRingBench.snapshot1MiB",
            "ScrollbackRingBench.ref_ringCopy4KiB",
            "ScrollbackRingBench.ref_ringSnapshot1MiB",
            "ScrollbackCopyBench.appendAtCap",
            "ScrollbackCopyBench.appendSpread",
            "ScrollbackCopyBench.appendWhileCopied",
            "ScrollbackCopyBench.replay1MiB",
            "ScrollbackCopyBench.ref_copy4KiB",
            "ScrollbackCopyBench.ref_copy4KiBSpread",
            "ScrollbackCopyBench.ref_copyOut1MiB",
            "SessionStoreBench.find",
            "SessionStoreBench.findContended",
            "SessionStoreBench.ref_sha256",
            "SessionStoreBench.ref_sha256Contended",
            "LoginTimingBench.unknownUser",
            "LoginTimingBench.wrongPassword",
            "LoginTimingBench.ref_bcrypt",
            "LoginFloodBench.flood",
            "LoginFloodBench.ref_echoIdle",
            "PathResolutionBench.parsePlain",
            "PathResolutionBench.parseEncoded",
            "PathResolutionBench.parseHostile",
            "PathResolutionBench.resolveFile",
            "PathResolutionBench.ref_toRealPath",
            "PathResolutionBench.ref_uriNormalize");

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void everyBenchmarkRunsAndReportsAScore() throws Exception {
        // JMH refuses to start while another JMH run holds /tmp/jmh.lock (a developer's full run):
        // this one forks nothing and measures nothing that matters, so it need not wait.
        System.setProperty("jmh.ignoreLock", "true");
        Options options = new OptionsBuilder()
                .include("io\\.cloudterm\\..*Bench\\.")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(50))
                // The cheapest bcrypt for every "cost" parameter: an iteration ends only when each
                // of LoginFloodBench's 64 flooders has its answer, and at the default cost their
                // checks queue for seconds.
                .param("cost", Integer.toString(BcryptHash.MIN_COST))
                .shouldFailOnError(true)
                .build();
        Collection<RunResult> results = new Runner(options).run();

        Map<String, Double> scores = new TreeMap<>();
        for (RunResult result : results) {
            String benchmark = result.getParams().getBenchmark();
            String name = benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1);
            scores.put(name, result.getPrimaryResult().getScore());
        }
        assertEquals(new TreeSet<>(EXPECTED), scores.keySet(), "benchmarks run");
        scores.forEach((name, score) -> assertTrue(score > 0, name + " scored " + score));
    }
}
