package io.halfmsg.broker;

import io.halfmsg.testsupport.db.TestDatabase;
import io.halfmsg.testsupport.rocketmq.EmbeddedRocketMqExtension;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.util.ReflectionUtils;

/**
 * Points a {@link BrokerTest}'s broker at the class's own fixtures: the database of its static
 * {@link TestDatabase} field, and the name server of its static {@link EmbeddedRocketMqExtension}
 * field if it has one. What each class's {@code @DynamicPropertySource} method did, with the same
 * precedence (above the class's properties) and read as late (when the context starts, after the
 * fixtures' {@code beforeAll}).
 */
final class BrokerFixtures implements ContextCustomizerFactory {

  @Override
  public ContextCustomizer createContextCustomizer(
      Class<?> testClass, List<ContextConfigurationAttributes> configAttributes) {
    TestDatabase db = staticField(testClass, TestDatabase.class);
    if (db == null) {
      throw new IllegalStateException(
          testClass.getName()
              + " is a @BrokerTest without a database: declare"
              + " @RegisterExtension static TestDatabase db = new TestDatabase();");
    }
    return new Fixtures(db, staticField(testClass, EmbeddedRocketMqExtension.class));
  }

  private static <T> T staticField(Class<?> testClass, Class<T> type) {
    Object[] found = new Object[1];
    ReflectionUtils.doWithFields(
        testClass,
        f -> {
          ReflectionUtils.makeAccessible(f);
          found[0] = f.get(null);
        },
        (Field f) -> Modifier.isStatic(f.getModifiers()) && type.isAssignableFrom(f.getType()));
    return type.cast(found[0]);
  }

  /** Equal for the same fixtures, so that a context is only shared by classes that share them. */
  private record Fixtures(TestDatabase db, EmbeddedRocketMqExtension mq)
      implements ContextCustomizer {

    @Override
    public void customizeContext(
        ConfigurableApplicationContext context, MergedContextConfiguration merged) {
      Map<String, Supplier<Object>> properties = new LinkedHashMap<>();
      db.registerSpringProperties(properties::put);
      if (mq != null) {
        properties.put("halfmsg.rocketmq.namesrv-addr", mq::namesrvAddr);
      }
      context.getEnvironment().getPropertySources().addFirst(new Lazy(properties));
    }
  }

  /** Property values read from their suppliers each time they are asked for. */
  private static final class Lazy extends EnumerablePropertySource<Map<String, Supplier<Object>>> {

    Lazy(Map<String, Supplier<Object>> properties) {
      super("brokerTestFixtures", properties);
    }

    @Override
    public String[] getPropertyNames() {
      return getSource().keySet().toArray(String[]::new);
    }

    @Override
    public Object getProperty(String name) {
      Supplier<Object> value = getSource().get(name);
      return value == null ? null : value.get();
    }
  }
}
