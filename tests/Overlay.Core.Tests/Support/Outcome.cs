using System.Collections;
using System.Globalization;

namespace Overlay.Tests.Support;

/// <summary>
/// What a call did, as one comparable string: <c>ok</c>, <c>ok: value</c>, or
/// <c>EX TypeName hr=N</c> (an errno as a decimal, any other HResult in hex). The scenario tables
/// were recorded in this form from System.IO on a kernel overlay mount.
/// </summary>
public static class Outcome
{
    /// <summary>Runs an action.</summary>
    /// <param name="action">The call.</param>
    /// <returns>Its outcome.</returns>
    public static string Of(Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return Of(() =>
        {
            action();
            return null;
        });
    }

    /// <summary>Runs a function.</summary>
    /// <param name="function">The call.</param>
    /// <returns>Its outcome, with its value.</returns>
    public static string Of(Func<object?> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        try
        {
            return function() switch
            {
                null => "ok",
                string s => $"ok: '{s}'",
                IEnumerable e => "ok: [" + string.Join(",", e.Cast<object>()) + "]",
                var value => "ok: " + Convert.ToString(value, CultureInfo.InvariantCulture),
            };
        }
#pragma warning disable CA1031 // The outcome of any exception is what is being recorded.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return Exception(e.GetType().Name, e.HResult);
        }
    }

    /// <summary>The outcome string of an exception.</summary>
    /// <param name="typeName">The exception's type name.</param>
    /// <param name="hresult">Its HResult.</param>
    /// <returns>E.g. <c>EX IOException hr=17</c>.</returns>
    public static string Exception(string typeName, int hresult) =>
        $"EX {typeName} hr={(hresult is > 0 and < 200 ? hresult.ToString(CultureInfo.InvariantCulture) : "0x" + hresult.ToString("X8", CultureInfo.InvariantCulture))}";

    /// <summary><c>EX FileNotFoundException hr=0x80070002</c>.</summary>
    public const string FileNotFound = "EX FileNotFoundException hr=0x80070002";

    /// <summary><c>EX DirectoryNotFoundException hr=0x80070003</c>.</summary>
    public const string DirectoryNotFound = "EX DirectoryNotFoundException hr=0x80070003";

    /// <summary><c>EX UnauthorizedAccessException hr=0x80070005</c>.</summary>
    public const string AccessDenied = "EX UnauthorizedAccessException hr=0x80070005";

    /// <summary>The HResult of a plain IOException (COR_E_IO), as System.IO throws for checks it makes itself.</summary>
    public const int PlainIoHResult = unchecked((int)0x80131620);

    /// <summary>A plain IOException (COR_E_IO).</summary>
    public const string PlainIo = "EX IOException hr=0x80131620";

    /// <summary>An IOException carrying an errno.</summary>
    /// <param name="errno">The errno.</param>
    /// <returns>E.g. <c>EX IOException hr=17</c>.</returns>
    public static string Io(int errno) => Exception(nameof(IOException), errno);
}
