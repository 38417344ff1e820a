using System.IO.Compression;
using SecureLambda.Deploy.Packaging;
using SecureLambda.Deploy.Tests.Support;
using SecureLambda.Testing;

namespace SecureLambda.Deploy.Tests.Packaging;

public sealed class LambdaZipTests
{
    [Fact]
    public async Task Zip_HoldsBootstrap_WithMode0755()
    {
        using var temp = new TempDirectory();
        var package = await new FakePackager(temp.Path).BuildAsync(TextWriter.Null, TestContext.Current.CancellationToken);

        using var zip = ZipFile.OpenRead(package.ZipPath);
        var entry = Assert.Single(zip.Entries);
        Assert.Equal("bootstrap", entry.FullName);
        Assert.Equal(Convert.ToInt32("100755", 8), (entry.ExternalAttributes >> 16) & 0xFFFF);
    }

    [Fact]
    public async Task Zip_IsExecutableForUnzip_AClientWeDidNotWrite()
    {
        using var temp = new TempDirectory();
        var package = await new FakePackager(temp.Path).BuildAsync(TextWriter.Null, TestContext.Current.CancellationToken);
        var zipinfo = ExecutableSearch.FindOnPath("zipinfo");
        if (zipinfo is null)
        {
            Assert.Skip("zipinfo (Info-ZIP) is not installed: apt-get install unzip");
        }

        var start = new System.Diagnostics.ProcessStartInfo(zipinfo, [package.ZipPath]) { RedirectStandardOutput = true };
        using var process = System.Diagnostics.Process.Start(start)!;
        var listing = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);

        // "-rwxr-xr-x  ... unx ... bootstrap": Unix mode bits, made on Unix, which Lambda's unzip honours.
        Assert.Matches(@"(?m)^-rwxr-xr-x\s.*\bunx\b.*\sbootstrap$", listing);
    }

    [Fact]
    public void Sha256_IsStable_AcrossTwoZipsOfTheSameContent_BuiltAtDifferentTimes()
    {
        using var temp = new TempDirectory();
        var publish = Directory.CreateDirectory(Path.Combine(temp.Path, "publish")).FullName;
        var bootstrap = Path.Combine(publish, "bootstrap");
        File.WriteAllText(bootstrap, "same bytes");
        File.SetLastWriteTimeUtc(bootstrap, new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var first = LambdaZip.Create(publish, Path.Combine(temp.Path, "a.zip"));
        File.SetLastWriteTimeUtc(bootstrap, new DateTime(2024, 6, 1, 0, 0, 0, DateTimeKind.Utc));
        var second = LambdaZip.Create(publish, Path.Combine(temp.Path, "b.zip"));

        Assert.Equal(first.Sha256, second.Sha256);
        Assert.Equal(first.ObjectName, second.ObjectName);
        Assert.Matches("^bootstrap-[0-9a-f]{16}\\.zip$", first.ObjectName);
        // With a fixed entry timestamp the zips are byte-identical too.
        Assert.Equal(File.ReadAllBytes(first.ZipPath), File.ReadAllBytes(second.ZipPath));
    }

    [Fact]
    public void Sha256_Changes_WhenTheContentChanges()
    {
        using var temp = new TempDirectory();
        var publish = Directory.CreateDirectory(Path.Combine(temp.Path, "publish")).FullName;
        File.WriteAllText(Path.Combine(publish, "bootstrap"), "version 1");
        var first = LambdaZip.Create(publish, Path.Combine(temp.Path, "a.zip"));
        File.WriteAllText(Path.Combine(publish, "bootstrap"), "version 2");
        var second = LambdaZip.Create(publish, Path.Combine(temp.Path, "b.zip"));

        Assert.NotEqual(first.Sha256, second.Sha256);
        Assert.NotEqual(first.ObjectName, second.ObjectName);
    }

    // The second deploy from one clone crashed with IOException "… secure-lambda-functions.zip already exists".
    [Fact]
    public void Create_ReplacesThePreviousRunsZip_AndLeavesNoPartialFile()
    {
        using var temp = new TempDirectory();
        var publish = Directory.CreateDirectory(Path.Combine(temp.Path, "publish")).FullName;
        var zipPath = Path.Combine(temp.Path, "out", "secure-lambda-functions.zip");
        File.WriteAllText(Path.Combine(publish, "bootstrap"), "version 1");
        var first = LambdaZip.Create(publish, zipPath);
        File.WriteAllText(Path.Combine(publish, "bootstrap"), "version 2");

        var second = LambdaZip.Create(publish, zipPath);

        Assert.NotEqual(first.Sha256, second.Sha256);
        Assert.Equal(second.Sha256, LambdaZip.Sha256(zipPath));
        using (var zip = ZipFile.OpenRead(zipPath))
        {
            using var reader = new StreamReader(Assert.Single(zip.Entries).Open());
            Assert.Equal("version 2", reader.ReadToEnd());
        }

        Assert.Equal(["secure-lambda-functions.zip"], Directory.GetFiles(Path.GetDirectoryName(zipPath)!).Select(Path.GetFileName));
    }

    [Fact]
    public void Sha256Base64_IsTheDigestS3Reports()
    {
        var package = new LambdaPackage("x.zip", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

        // The SHA-256 of no bytes, as S3 reports it in x-amz-checksum-sha256.
        Assert.Equal("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", package.Sha256Base64);
        Assert.Equal("bootstrap-e3b0c44298fc1c14.zip", package.ObjectName);
    }

    [Fact]
    public async Task PackagingLock_LetsOneRunAtATime_AndTheNextOneIn_WhenTheFirstIsDone()
    {
        using var temp = new TempDirectory();
        var log = new StringWriter();
        var first = await PackagingLock.AcquireAsync(temp.Path, log, TestContext.Current.CancellationToken);
        var second = PackagingLock.AcquireAsync(temp.Path, log, TestContext.Current.CancellationToken);

        // The second waits (and says so) while the first holds the lock; polled, never slept on.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!log.ToString().Contains("Another deploy is packaging", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Yield();
        }

        Assert.False(second.IsCompleted);
        first.Dispose();
        (await second.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken)).Dispose();
    }

    [Fact]
    public void Zip_RenamesTheReadyToRunExecutableToBootstrap_AndLeavesSymbolsOut()
    {
        using var temp = new TempDirectory();
        var publish = Directory.CreateDirectory(Path.Combine(temp.Path, "publish")).FullName;
        File.WriteAllText(Path.Combine(publish, "SecureLambda.Functions"), "apphost");
        File.WriteAllText(Path.Combine(publish, "SecureLambda.Functions.dll"), "il");
        File.WriteAllText(Path.Combine(publish, "SecureLambda.Functions.pdb"), "symbols");

        var package = LambdaZip.Create(publish, Path.Combine(temp.Path, "r2r.zip"), "SecureLambda.Functions");

        using var zip = ZipFile.OpenRead(package.ZipPath);
        Assert.Equal(["SecureLambda.Functions.dll", "bootstrap"], zip.Entries.Select(entry => entry.FullName).Order(StringComparer.Ordinal));
        Assert.Equal(Convert.ToInt32("100755", 8), (zip.GetEntry("bootstrap")!.ExternalAttributes >> 16) & 0xFFFF);
        Assert.Equal(Convert.ToInt32("100644", 8), (zip.GetEntry("SecureLambda.Functions.dll")!.ExternalAttributes >> 16) & 0xFFFF);
    }

    [Fact]
    public void Zip_RefusesAPublishFolderWithoutTheExecutable()
    {
        using var temp = new TempDirectory();
        var publish = Directory.CreateDirectory(Path.Combine(temp.Path, "publish")).FullName;
        File.WriteAllText(Path.Combine(publish, "other"), "x");

        Assert.Throws<DeployException>(() => LambdaZip.Create(publish, Path.Combine(temp.Path, "x.zip")));
    }

    [Fact]
    public void NativeAot_IsChosen_WithAVersionedClang_OnLinuxX64()
    {
        var (aot, _) = BootstrapPublisher.CanPublishNativeAot(name => name == "clang-14" ? "/usr/bin/clang-14" : null);

        Assert.Equal(OperatingSystem.IsLinux() && System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.X64, aot);
    }

    [Fact]
    public void NativeAot_FallsBack_WhenClangIsMissing()
    {
        var (aot, why) = BootstrapPublisher.CanPublishNativeAot(_ => null);

        Assert.False(aot);
        Assert.NotEmpty(why);
    }
}
