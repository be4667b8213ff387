package io.cloudterm.terminal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a glance at a terminal's output reads: the text a person sees, none of the escape sequences. */
class PlainTextTest {

    private static List<String> last(String output, int count) {
        return PlainText.lastLines(output.getBytes(StandardCharsets.UTF_8), false, count);
    }

    @Test
    void coloursAndCursorMovesAreDroppedTheTextStays() {
        assertEquals(List.of("ok: 3 passed", "$ ls"),
                last("\u001b[1;32mok\u001b[0m: 3 \u001b[?25lpassed\r\n\u001b[2C\r$ \u001b(Bls\r\n", 5));
    }

    @Test
    void titlesAndLinksAreNotText() {
        assertEquals(List.of("see docs here", "done"),
                last("\u001b]0;user@host: ~\u0007see \u001b]8;;https://example.com\u001b\\docs\u001b]8;;\u001b\\ here\n"
                        + "\u001bP+q544e\u001b\\done\n", 5));
    }

    @Test
    void aCarriageReturnOverwritesAndEraseToTheEndErases() {
        assertEquals(List.of("100% done"), last("  0% working\r 50% working\r100% done   \n", 5));
        assertEquals(List.of("$ git status"), last("$ git stat\r\u001b[K$ git status\n", 5));
        assertEquals(List.of("ab"), last("abc\bX\b\b\u001b[K\rab\n", 5), "backspace steps back, K erases from there");
    }

    @Test
    void clearingTheScreenForgetsWhatWasOnIt() {
        assertEquals(List.of("fresh"), last("old\nolder\n\u001b[H\u001b[2Jfresh\n", 5));
    }

    @Test
    void onlyTheLastLinesTrailingBlanksLeftOut() {
        assertEquals(List.of("three", "", "four"), last("one\ntwo\nthree\n\nfour\n\n\n   \n", 3));
        assertEquals(List.of(), last("", 3));
    }

    @Test
    void tabsBecomeSpacesToTheNextStop() {
        assertEquals(List.of("a       b"), last("a\tb", 1));
    }

    @Test
    void aCutOutputDropsItsFirstPartialLine() {
        byte[] cut = "5;31mhalf a sequence\nwhole\n".getBytes(StandardCharsets.UTF_8);
        assertEquals(List.of("whole"), PlainText.lastLines(cut, true, 5));
        byte[] euro = "€ x\ny €\n".getBytes(StandardCharsets.UTF_8);
        assertEquals(List.of("y €"), PlainText.lastLines(java.util.Arrays.copyOfRange(euro, 1, euro.length), true, 5),
                "half a character at the cut is dropped with its line");
    }

    @Test
    void aSequenceLeftOpenAtTheEndShowsNothingOfItself() {
        assertEquals(List.of("prompt$"), last("prompt$\u001b[38;5", 5));
        assertEquals(List.of("x"), last("x\u001b]0;title never ended", 5));
    }
}
