using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace SecureLambda.Deploy.Packaging;

/// <summary>A deployment zip and the hash of what is in it, which names the object it is uploaded as.</summary>
public sealed record LambdaPackage(string ZipPath, string ContentHash)
{
    /// <summary>The S3 key: the same content always gets the same key, so an unchanged build is not uploaded twice.</summary>
    public string ObjectKey => $"bootstrap-{ContentHash[..16]}.zip";
}

/// <summary>
/// Writes the Lambda deployment zip from a publish folder. <c>bootstrap</c> gets mode 0755 (Lambda's custom runtime
/// executes it: https://docs.aws.amazon.com/lambda/latest/dg/runtimes-custom.html), every other file 0644, and every entry
/// a fixed timestamp, so two builds of the same bytes give the same zip.
/// </summary>
public static class LambdaZip
{
    public const string BootstrapName = "bootstrap";

    private const int RegularFile = 0x8000; // S_IFREG, octal 0100000
    private const int ExecutableMode = RegularFile | 0x1ED; // 0100755
    private const int ReadableMode = RegularFile | 0x1A4; // 0100644

    // The earliest time a zip entry can carry (DOS time starts in 1980).
    private static readonly DateTimeOffset FixedTimestamp = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Zips the files of <paramref name="publishDirectory"/> (not its subfolders' symbols: <c>*.dbg</c> and <c>*.pdb</c> are
    /// left out), renaming <paramref name="executableName"/> to <c>bootstrap</c>.
    /// </summary>
    public static LambdaPackage Create(string publishDirectory, string zipPath, string executableName = BootstrapName)
    {
        var files = Directory.EnumerateFiles(publishDirectory, "*", SearchOption.AllDirectories)
            .Where(path => !path.EndsWith(".dbg", StringComparison.Ordinal) && !path.EndsWith(".pdb", StringComparison.Ordinal))
            .Select(path => (Path: path, Name: Path.GetRelativePath(publishDirectory, path).Replace('\\', '/')))
            .Select(file => file.Name == executableName ? file with { Name = BootstrapName } : file)
            .OrderBy(file => file.Name, StringComparer.Ordinal)
            .ToList();
        if (!files.Any(file => file.Name == BootstrapName))
        {
            throw new InvalidOperationException($"{publishDirectory} holds no '{executableName}': the publish did not produce the bootstrap.");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(zipPath))!);
        using (var zip = ZipFile.Open(zipPath, ZipArchiveMode.Create))
        {
            foreach (var (path, name) in files)
            {
                var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
                entry.LastWriteTime = FixedTimestamp;
                entry.ExternalAttributes = (name == BootstrapName ? ExecutableMode : ReadableMode) << 16;
                using var source = File.OpenRead(path);
                using var target = entry.Open();
                source.CopyTo(target);
            }
        }

        return new LambdaPackage(zipPath, ContentHash(zipPath));
    }

    /// <summary>
    /// SHA-256 over each entry's name, Unix mode and bytes, in name order: what Lambda would run, not how the zip encoded
    /// it, so the hash does not move with timestamps or compression.
    /// </summary>
    public static string ContentHash(string zipPath)
    {
        using var zip = ZipFile.OpenRead(zipPath);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var entry in zip.Entries.OrderBy(entry => entry.FullName, StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"{entry.FullName}\0{(entry.ExternalAttributes >> 16) & 0xFFFF:x}\0{entry.Length}\0"));
            using var content = entry.Open();
            hash.AppendData(SHA256.HashData(content));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
