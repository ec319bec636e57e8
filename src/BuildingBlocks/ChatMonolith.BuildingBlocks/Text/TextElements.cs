using System.Globalization;

namespace ChatMonolith.BuildingBlocks.Text;

/// <summary>
/// Lengths as a reader counts them: text elements (extended grapheme clusters, Unicode UAX #29), so an emoji built of
/// several code points, a flag or a letter with combining marks counts once. UTF-16 units count 🙂 twice and
/// 👨‍👩‍👧‍👦 eleven times.
/// </summary>
public static class TextElements
{
    /// <summary>How many text elements <paramref name="text"/> has.</summary>
    public static int Count(string text) => new StringInfo(text).LengthInTextElements;

    /// <summary>The first <paramref name="max"/> text elements of <paramref name="text"/>: never half an emoji or a lone surrogate.</summary>
    public static string Truncate(string text, int max)
    {
        if (text.Length <= max)
        {
            return text; // no more UTF-16 units than the limit, so no more text elements either
        }

        var end = 0;
        var elements = 0;
        while (end < text.Length && elements < max)
        {
            end += StringInfo.GetNextTextElementLength(text, end);
            elements++;
        }

        return text[..end];
    }

    /// <summary>Whether <paramref name="text"/> holds a control character (U+0000–U+001F, U+007F–U+009F) or half of a surrogate pair.</summary>
    public static bool HasControlOrBrokenCharacters(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsControl(c))
            {
                return true;
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return true;
            }
        }

        return false;
    }
}
