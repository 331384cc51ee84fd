using System.Linq.Expressions;
using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace InferenceServer.Benchmarks.Budgets;

/// <summary>
/// One benchmark class set up the way BenchmarkDotNet sets it up — instance created, <c>[Params]</c> properties
/// assigned, <c>[GlobalSetup]</c> run — whose <c>[Benchmark]</c> methods can then be called directly, without
/// BenchmarkDotNet's process, pilot and iterations. Disposing runs <c>[GlobalCleanup]</c>.
/// </summary>
internal sealed class BenchmarkInstance : IDisposable
{
    private readonly Type _type;
    private readonly object _instance;

    public BenchmarkInstance(Type type, IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        _type = type;
        _instance = Activator.CreateInstance(type) ?? throw new InvalidOperationException($"cannot create {type.Name}");
        var declared = type.GetProperties().Where(p => p.GetCustomAttribute<ParamsAttribute>() is not null).Select(p => p.Name).ToHashSet();
        foreach (var (name, value) in parameters)
        {
            var property = type.GetProperty(name) is { } p && declared.Contains(name)
                ? p
                : throw new InvalidOperationException($"{type.Name} has no [Params] property '{name}'");
            property.SetValue(_instance, property.PropertyType.IsEnum
                ? Enum.Parse(property.PropertyType, value)
                : Convert.ChangeType(value, property.PropertyType, System.Globalization.CultureInfo.InvariantCulture));
        }

        var missing = declared.Except(parameters.Select(p => p.Key)).ToArray();
        if (missing.Length > 0)
        {
            throw new InvalidOperationException($"{type.Name}: the budget names no value for [Params] {string.Join(", ", missing)}");
        }

        InvokeAll<GlobalSetupAttribute>();
    }

    /// <summary>
    /// A benchmark method as a synchronous call (an awaitable result is waited for), and its
    /// <c>OperationsPerInvoke</c>. <paramref name="awaitable"/>: it returns a task, so its work may continue on
    /// other threads.
    /// </summary>
    public Action Method(string name, out int operationsPerInvoke, out bool awaitable)
    {
        var method = _type.GetMethod(name, BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes);
        var attribute = method?.GetCustomAttribute<BenchmarkAttribute>()
            ?? throw new InvalidOperationException($"{_type.Name} has no [Benchmark] method '{name}'");
        operationsPerInvoke = attribute.OperationsPerInvoke;

        // A compiled expression, not MethodInfo.Invoke: no argument arrays or boxed results in the measurement.
        Expression call = Expression.Call(Expression.Constant(_instance), method!);
        var getAwaiter = method!.ReturnType.GetMethod("GetAwaiter", Type.EmptyTypes);
        awaitable = getAwaiter is not null;
        if (getAwaiter is not null)
        {
            call = Expression.Call(Expression.Call(call, getAwaiter), getAwaiter.ReturnType.GetMethod("GetResult", Type.EmptyTypes)!);
        }

        return Expression.Lambda<Action>(call).Compile();
    }

    public void Dispose() => InvokeAll<GlobalCleanupAttribute>();

    private void InvokeAll<TAttribute>()
        where TAttribute : Attribute
    {
        foreach (var method in _type.GetMethods(BindingFlags.Public | BindingFlags.Instance).Where(m => m.GetCustomAttribute<TAttribute>() is not null))
        {
            method.Invoke(_instance, null);
        }
    }
}
