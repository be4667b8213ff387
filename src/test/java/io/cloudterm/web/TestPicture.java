package io.cloudterm.web;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.ImageIO;

/**
 * The picture the image tests show in the terminal (a red square on blue, as a PNG), and how a
 * test tells that the page drew it: the red square's pixels in the image addon's layer.
 */
final class TestPicture {

    /** Script for the page: whether the image addon's layer shows the picture's red square somewhere. */
    static final String RED_SQUARE_DRAWN = """
            const layer = document.querySelector('.xterm-image-layer');
            if (!layer || !layer.width || !layer.height) return false;
            const pixels = layer.getContext('2d').getImageData(0, 0, layer.width, layer.height).data;
            for (let i = 0; i < pixels.length; i += 4) {
              // strong red, little green and blue, opaque
              if (pixels[i] > 200 && pixels[i + 1] < 60 && pixels[i + 2] < 60 && pixels[i + 3] > 200) return true;
            }
            return false;""";

    private TestPicture() {
    }

    static byte[] png() throws IOException {
        BufferedImage image = new BufferedImage(96, 48, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(0x2050c0));
        g.fillRect(0, 0, 96, 48);
        g.setColor(new Color(0xe02020));
        g.fillRect(24, 8, 32, 32);
        g.dispose();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(image, "png", png);
        return png.toByteArray();
    }
}
