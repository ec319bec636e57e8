using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChatMonolith.Client.Storage;

/// <summary>
/// Keeps the session, cursors and outgoing queue as JSON files in one folder, so an app that is restarted, even
/// killed mid-send, resumes where it stood. Every write goes to a temporary file that replaces the old one, so a
/// crash leaves the old or the new file, never half of one. On Unix the folder is made 0700 and the files 0600: the
/// session holds the device's tokens. Processes sharing the folder take turns for a refresh through a lock file.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "A SemaphoreSlim holds an OS handle only once its AvailableWaitHandle is asked for, which this type never does.")]
public sealed class FileChatClientStore : IChatClientStore
{
    private const string SessionFile = "session.json";
    private const string CursorsFile = "cursors.json";
    private const string OutgoingFile = "outgoing.json";
    private const string LockFile = "session.lock";

    private static readonly TimeSpan LockRetry = TimeSpan.FromMilliseconds(20);

    private readonly string _folder;
    private readonly SemaphoreSlim _writing = new(1, 1);

    /// <summary>Uses <paramref name="folder"/>, creating it (private to the user) when missing.</summary>
    public FileChatClientStore(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        _folder = Path.GetFullPath(folder);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(_folder);
        }
        else
        {
            Directory.CreateDirectory(_folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.SetUnixFileMode(_folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>The folder the files are in.</summary>
    public string Folder => _folder;

    /// <inheritdoc />
    public async ValueTask<StoredSession?> LoadSessionAsync(CancellationToken cancellationToken = default) =>
        await ReadAsync(SessionFile, Json.Default.StoredSession, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask SaveSessionAsync(StoredSession? session, CancellationToken cancellationToken = default)
    {
        await _writing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (session is null)
            {
                File.Delete(Path.Combine(_folder, SessionFile));
            }
            else
            {
                await WriteAsync(SessionFile, session, Json.Default.StoredSession, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyDictionary<string, long>> LoadCursorsAsync(CancellationToken cancellationToken = default) =>
        await ReadAsync(CursorsFile, Json.Default.DictionaryStringInt64, cancellationToken).ConfigureAwait(false) ?? [];

    /// <inheritdoc />
    public async ValueTask SaveCursorAsync(string conversationId, long seq, CancellationToken cancellationToken = default)
    {
        await _writing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var cursors = await ReadAsync(CursorsFile, Json.Default.DictionaryStringInt64, cancellationToken).ConfigureAwait(false) ?? [];
            if (seq > cursors.GetValueOrDefault(conversationId))
            {
                cursors[conversationId] = seq;
                await WriteAsync(CursorsFile, cursors, Json.Default.DictionaryStringInt64, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<OutgoingMessage>> LoadOutgoingAsync(CancellationToken cancellationToken = default) =>
        await ReadAsync(OutgoingFile, Json.Default.ListOutgoingMessage, cancellationToken).ConfigureAwait(false) ?? [];

    /// <inheritdoc />
    public ValueTask AddOutgoingAsync(OutgoingMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return ChangeOutgoingAsync(
            queue =>
            {
                queue.RemoveAll(m => m.ClientMsgId == message.ClientMsgId);
                queue.Add(message);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask RemoveOutgoingAsync(string clientMsgId, CancellationToken cancellationToken = default) =>
        ChangeOutgoingAsync(queue => queue.RemoveAll(m => m.ClientMsgId == clientMsgId), cancellationToken);

    /// <inheritdoc />
    public async ValueTask<IAsyncDisposable> LockSessionAsync(CancellationToken cancellationToken = default)
    {
        var path = Path.Combine(_folder, LockFile);
        while (true)
        {
            try
            {
                // An exclusive handle is the lock: the OS releases it when the process dies, so a crash never leaves it held.
                return new FileLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException)
            {
                await Task.Delay(LockRetry, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask ClearAsync(CancellationToken cancellationToken = default)
    {
        await _writing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var file in new[] { SessionFile, CursorsFile, OutgoingFile })
            {
                File.Delete(Path.Combine(_folder, file));
            }
        }
        finally
        {
            _writing.Release();
        }
    }

    private async ValueTask ChangeOutgoingAsync(Action<List<OutgoingMessage>> change, CancellationToken cancellationToken)
    {
        await _writing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var queue = await ReadAsync(OutgoingFile, Json.Default.ListOutgoingMessage, cancellationToken).ConfigureAwait(false) ?? [];
            change(queue);
            await WriteAsync(OutgoingFile, queue, Json.Default.ListOutgoingMessage, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writing.Release();
        }
    }

    private async ValueTask<T?> ReadAsync<T>(string file, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class
    {
        var path = Path.Combine(_folder, file);
        try
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return await JsonSerializer.DeserializeAsync(stream, type, cancellationToken).ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    private async ValueTask WriteAsync<T>(string file, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        var path = Path.Combine(_folder, file);
        var temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.WriteThrough };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            await using (var stream = new FileStream(temporary, options))
            {
                await JsonSerializer.SerializeAsync(stream, value, type, cancellationToken).ConfigureAwait(false);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    private sealed class FileLock(FileStream handle) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => handle.DisposeAsync();
    }
}

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(StoredSession))]
[JsonSerializable(typeof(Dictionary<string, long>))]
[JsonSerializable(typeof(List<OutgoingMessage>))]
internal sealed partial class Json : JsonSerializerContext;
