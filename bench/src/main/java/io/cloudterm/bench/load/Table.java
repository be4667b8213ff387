package io.cloudterm.bench.load;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** A table for people: a title, a header, rows; the first column left-aligned, the others right. */
final class Table {

    private final String title;
    private final List<String[]> rows = new ArrayList<>();

    Table(String title, String... header) {
        this.title = title;
        rows.add(header);
    }

    Table row(Object... cells) {
        String[] r = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            r[i] = String.valueOf(cells[i]);
        }
        rows.add(r);
        return this;
    }

    void print(PrintStream out) {
        int columns = rows.stream().mapToInt(r -> r.length).max().orElse(0);
        int[] width = new int[columns];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        out.println(title);
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder(" ");
            for (int i = 0; i < r.length; i++) {
                String cell = r[i];
                String pad = " ".repeat(width[i] - cell.length());
                line.append(' ').append(i == 0 ? cell + pad : pad + cell).append(' ');
            }
            out.println(line.toString().stripTrailing());
        }
        out.println();
    }
}
