package io.halfmsg.demo.repo;

import java.net.URI;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/stock")
class StockController {

  private final StockRepository stock;

  StockController(StockRepository stock) {
    this.stock = stock;
  }

  @GetMapping
  List<Stock> all() {
    return stock.all();
  }

  @GetMapping("/{product}")
  Stock one(@PathVariable String product) {
    return stock
        .find(product)
        .orElseThrow(
            () -> {
              ProblemDetail p =
                  ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "No product " + product);
              p.setType(URI.create("https://halfmsg.io/problems/demo/unknown-product"));
              return new ErrorResponseException(HttpStatus.NOT_FOUND, p, null);
            });
  }
}
