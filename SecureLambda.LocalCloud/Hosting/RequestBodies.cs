namespace SecureLambda.LocalCloud.Hosting;

/// <summary>Reads a request body up to a service's payload limit, without buffering more than the limit.</summary>
public static class RequestBodies
{
    /// <summary>The body, or null when it is larger than <paramref name="limit"/> bytes (declared or actual).</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
