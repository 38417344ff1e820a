using System.IO.Compression;
using System.Security.Cryptography;

namespace SecureLambda.Deploy.Packaging;

/// <summary>A deployment zip and the SHA-256 of its bytes, which names the object it is uploaded as.</summary>
public sealed record LambdaPackage(string ZipPath, string Sha256)
{
    /// <summary>
    /// The S3 object name: the same bytes always get the same name, so an unchanged build is not uploaded twice, and an
    /// object under this name whose SHA-256 differs cannot be ours.
    /// </summary>
    public string ObjectName => $"bootstrap-{Sha256[..16]}.zip";

    /// <summary>The digest as S3 carries it in <c>x-amz-checksum-sha256</c>: base64 of the 32 bytes.</summary>
    public string Sha256Base64 => Convert.ToBase64String(Convert.FromHexString(Sha256));
}

/// <summary>
/// Writes the Lambda deployment zip from a publish folder. <c>bootstrap</c> gets mode 0755 (Lambda's custom runtime
/// executes it: https://docs.aws.amazon.com/lambda/latest/dg/runtimes-custom.html), every other file 0644, and every entry
/// a fixed timestamp, so two builds of the same bytes give the same zip, byte for byte.
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
    /// left out), renaming <paramref name="executableName"/> to <c>bootstrap</c>. The zip is written beside
    /// <paramref name="zipPath"/> and moved over it, so a previous run's zip is replaced and an interrupted run leaves
    /// no half-written one behind.
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
            throw new DeployException($"{publishDirectory} holds no '{executableName}': the publish did not produce the bootstrap.");
        }

        var target = Path.GetFullPath(zipPath);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var partial = $"{target}.{Guid.NewGuid():N}.partial";
        try
        {
            using (var zip = ZipFile.Open(partial, ZipArchiveMode.Create))
            {
                foreach (var (path, name) in files)
                {
                    var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
                    entry.LastWriteTime = FixedTimestamp;
                    entry.ExternalAttributes = (name == BootstrapName ? ExecutableMode : ReadableMode) << 16;
                    using var source = File.OpenRead(path);
                    using var stream = entry.Open();
                    source.CopyTo(stream);
                }
            }

            File.Move(partial, target, overwrite: true);
        }
        finally
        {
            File.Delete(partial);
        }

        return new LambdaPackage(target, Sha256(target));
    }

    public static string Sha256(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(file));
    }
}
