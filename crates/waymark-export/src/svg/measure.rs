//! How wide text is drawn, from the DejaVu Sans character widths, and wrapping text to a width:
//! every box is sized from the text it holds.
#![allow(
    clippy::indexing_slicing,
    reason = "the character is checked to be printable ASCII (32-126) first, and the width tables have one entry for each"
)]

/// Advance widths of the printable ASCII characters (space to `~`) in DejaVu Sans and DejaVu
/// Sans Bold, in thousandths of the font size, read from the fonts' metrics.
pub(super) const REGULAR_WIDTHS: [u16; 95] = [
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636,
    636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632,
    575, 775, 752, 295, 295, 656, 557, 863, 748, 787, 603, 787, 695, 635, 611, 732, 684, 989, 685,
    611, 685, 390, 337, 390, 838, 500, 500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579,
    278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
];
pub(super) const BOLD_WIDTHS: [u16; 95] = [
    348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, 696, 696, 696,
    696, 696, 696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 580, 1000, 774, 762, 734, 830, 683,
    683, 821, 837, 372, 372, 775, 637, 995, 837, 850, 733, 850, 770, 720, 682, 812, 774, 1103, 771,
    724, 725, 457, 365, 457, 838, 500, 500, 675, 716, 593, 716, 678, 435, 716, 712, 343, 343, 665,
    343, 1042, 712, 687, 716, 716, 493, 595, 478, 712, 652, 924, 645, 652, 582, 712, 365, 712, 838,
];

/// How wide text is drawn, in drawing units: DejaVu Sans widths, and 4 % more so that text
/// still fits when a viewer substitutes Verdana, which runs a little wider. Characters
/// outside ASCII count as wide ones.
pub(super) fn text_width(text: &str, size: i32, bold: bool) -> i32 {
    let table = if bold { &BOLD_WIDTHS } else { &REGULAR_WIDTHS };
    let thousandths: u32 = text
        .chars()
        .map(|c| {
            let code = c as u32;
            if (32..127).contains(&code) {
                u32::from(table[(code - 32) as usize])
            } else {
                1000
            }
        })
        .sum();
    (f64::from(thousandths) * f64::from(size) * 1.04 / 1000.0).ceil() as i32
}

/// Breaks text into lines no wider than `width` when drawn, at spaces. A word wider than that
/// gets a line of its own and is never cut: boxes are sized from the lines they hold.
pub(super) fn wrap_to(text: &str, width: i32, size: i32, bold: bool) -> Vec<String> {
    crate::text::wrap_with(text, |line| text_width(line, size, bold) <= width, None)
}

#[cfg(test)]
mod tests {
    use super::text_width;

    #[test]
    fn bold_text_measures_wider() {
        assert!(text_width("Referral", 13, true) > text_width("Referral", 13, false));
        assert_eq!(text_width("", 13, true), 0);
    }
}
